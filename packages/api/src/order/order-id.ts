import { createHash } from 'node:crypto';

/**
 * The order id of a placement. With an idempotency key it is derived from (customer, key), so a retried
 * placement lands on the same stream and the store's `no_stream` check turns the retry into a read of the
 * first order: no lookup table, and no race between two retries arriving together.
 */
export function orderIdFor(customerId: string, idempotencyKey: string | null, newId: () => string): string {
  if (idempotencyKey === null) return newId();
  const hash = createHash('sha256').update(`${customerId}\u0000${idempotencyKey}`).digest('hex');
  // Format as an RFC 9562 version-8 (custom) UUID.
  const variant = ((parseInt(hash.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-8${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}
