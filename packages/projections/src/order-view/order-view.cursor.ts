import { ValidationError } from '@delivery/events';
import { z } from 'zod';

/** Where a page of `order.list` (newest first) ended: the last row's sort key. */
export interface OrderListPosition {
  createdAt: string;
  orderId: string;
}

const CursorShape = z.object({ c: z.iso.datetime(), i: z.uuid() }).strict();

/**
 * Opaque to clients (base64url of the sort key), so the sort key can change without breaking the contract.
 * @example const cursor = encodeOrderCursor({ createdAt: '2026-01-01T10:00:00.000Z', orderId });
 */
export function encodeOrderCursor(position: OrderListPosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt, i: position.orderId })).toString('base64url');
}

/**
 * Reads a cursor back; anything a client made up is a BAD_REQUEST, never a 500.
 * @throws ValidationError on field `cursor`.
 */
export function decodeOrderCursor(cursor: string): OrderListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('cursor', 'is not a cursor returned by order.list');
  }
  const shape = CursorShape.safeParse(parsed);
  if (!shape.success) throw new ValidationError('cursor', 'is not a cursor returned by order.list');
  return { createdAt: shape.data.c, orderId: shape.data.i };
}
