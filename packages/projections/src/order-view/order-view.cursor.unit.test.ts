import { ValidationError } from '@delivery/events';
import { describe, expect, it } from 'vitest';
import { decodeOrderCursor, encodeOrderCursor } from './order-view.cursor';

describe('order list cursor', () => {
  it('decodes to the position it was made from', () => {
    const position = { createdAt: '2026-01-02T03:04:05.678Z', orderId: '0b7e7c57-8a4f-4e0e-9d7c-3f1f5b2a9c11' };
    expect(decodeOrderCursor(encodeOrderCursor(position))).toEqual(position);
  });

  it('is opaque and safe in a URL', () => {
    const cursor = encodeOrderCursor({ createdAt: '2026-01-02T03:04:05.678Z', orderId: '0b7e7c57-8a4f-4e0e-9d7c-3f1f5b2a9c11' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([['not base64 json'], [Buffer.from('{"c":"yesterday","i":"x"}').toString('base64url')], [Buffer.from('[1,2]').toString('base64url')]])(
    'answers a made-up cursor %j with a validation error on the cursor field',
    (cursor) => {
      expect(() => decodeOrderCursor(cursor)).toThrow(ValidationError);
      expect(() => decodeOrderCursor(cursor)).toThrow(/^cursor: /);
    },
  );
});
