import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEMA_VERSION, type NewEvent, type OrderLine } from '@delivery/events';

/** Valid order events (they pass `parseOrderEvent`), shaped like what `order.place` and the vendor write. */

const LINES: OrderLine[] = [
  { kind: 'food', itemId: 3, name: 'Margherita Pizza', unitPrice: '12.50', quantity: 2, lineTotal: '25.00' },
  { kind: 'bar', itemId: 7, name: 'Mojito', unitPrice: '8.75', quantity: 1, lineTotal: '8.75' },
];

const metadata = (eventId: string, correlationId: string, occurredAt: string) => ({
  eventId,
  correlationId,
  causationId: null,
  occurredAt,
  schemaVersion: CURRENT_SCHEMA_VERSION,
  actor: { sub: 'bench-customer', role: 'customer' as const },
});

export function orderPlaced(orderId: string, options: { eventId?: string; occurredAt?: string } = {}): NewEvent {
  const eventId = options.eventId ?? randomUUID();
  return {
    type: 'OrderPlaced',
    data: { orderId, customerId: 'bench-customer', email: 'bench@example.com', lines: LINES, total: '33.75', idempotencyKey: null },
    metadata: metadata(eventId, orderId, options.occurredAt ?? new Date().toISOString()),
  };
}

export type FollowUpType = 'OrderAccepted' | 'OrderDelivered' | 'OrderCancelled' | 'OrderRejected';

/** An event after `OrderPlaced`: the store does not judge, so the append benchmark may repeat one. */
export function orderFollowUp(type: FollowUpType, orderId: string, options: { eventId?: string; occurredAt?: string } = {}): NewEvent {
  const data =
    type === 'OrderCancelled' ? { orderId, reason: 'changed my mind' } : type === 'OrderRejected' ? { orderId, reason: 'kitchen closed' } : { orderId };
  return { type, data, metadata: metadata(options.eventId ?? randomUUID(), orderId, options.occurredAt ?? new Date().toISOString()) };
}

/**
 * UUIDv7-shaped ids that increase with each call: bulk-generated rows then land at the end of the
 * unique indexes instead of at random pages (which would make generation, not replay, the bottleneck).
 */
export function sequentialUuids(startMs = Date.now()): () => string {
  const time = startMs.toString(16).padStart(12, '0').slice(-12);
  let counter = 0;
  return () => {
    const hex = (counter++).toString(16).padStart(18, '0');
    return `${time.slice(0, 8)}-${time.slice(8)}-7${hex.slice(0, 3)}-8${hex.slice(3, 6)}-${hex.slice(6)}`;
  };
}
