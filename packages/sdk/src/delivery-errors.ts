import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@delivery/api';

export type DeliveryClientError = TRPCClientError<AppRouter>;

/** The tRPC error codes the API answers with (see the API contract). */
export type DeliveryErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR';

/**
 * Narrows an unknown error to the API's typed error.
 * @example if (isDeliveryError(error) && error.data?.code === 'NOT_FOUND') showNotFound();
 */
export function isDeliveryError(error: unknown): error is DeliveryClientError {
  return error instanceof TRPCClientError;
}

/** The code of an API error, or undefined for anything else (a network failure, a bug). */
export function deliveryErrorCode(error: unknown): DeliveryErrorCode | undefined {
  return isDeliveryError(error) ? (error.data?.code as DeliveryErrorCode | undefined) : undefined;
}

/**
 * For a CONFLICT (stale `expectedVersion`, illegal transition): the order's current version and status.
 * @example
 * const conflict = conflictOf(error);
 * if (conflict) await client.order.cancel.mutate({ orderId, expectedVersion: conflict.currentVersion });
 */
export function conflictOf(error: unknown): { currentVersion: number; currentStatus?: string } | undefined {
  if (!isDeliveryError(error) || error.data?.code !== 'CONFLICT') return undefined;
  const { currentVersion, currentStatus } = error.data as { currentVersion?: number; currentStatus?: string };
  return typeof currentVersion === 'number' ? { currentVersion, currentStatus } : undefined;
}
