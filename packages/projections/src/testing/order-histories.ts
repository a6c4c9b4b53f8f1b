import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEMA_VERSION, sumMoney, type Actor, type EventMetadata, type OrderEvent, type OrderLine } from '@delivery/events';

/** Test data only: valid order histories, so tests state just the path an order takes. */

/** The end state an order's history reaches, along the state machine of API.md. */
export type OrderOutcome = 'pending' | 'accepted' | 'delivered' | 'cancelled' | 'rejected';

export const orderOutcomes: readonly OrderOutcome[] = ['pending', 'accepted', 'delivered', 'cancelled', 'rejected'];

export interface OrderHistorySpec {
  orderId?: string;
  customerId?: string;
  email?: string;
  lines?: OrderLine[];
  outcome?: OrderOutcome;
  /** When the order is placed; each later event follows one second after the one before. */
  placedAt?: Date;
}

const vendor: Actor = { sub: 'kitchen', role: 'vendor' };

function metadata(at: Date, actor: Actor): EventMetadata {
  return {
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: at.toISOString(),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    actor,
  };
}

export const defaultLines = (): OrderLine[] => [
  { kind: 'food', itemId: 3, name: 'Margherita Pizza', unitPrice: '12.50', quantity: 2, lineTotal: '25.00' },
  { kind: 'bar', itemId: 7, name: 'Mojito', unitPrice: '8.75', quantity: 1, lineTotal: '8.75' },
];

/**
 * The events of one order, in stream order (version n = index n - 1).
 * @example const [placed, accepted] = orderHistory({ outcome: 'accepted' });
 */
export function orderHistory(spec: OrderHistorySpec = {}): OrderEvent[] {
  const orderId = spec.orderId ?? randomUUID();
  const customerId = spec.customerId ?? 'alice';
  const lines = spec.lines ?? defaultLines();
  const placedAt = spec.placedAt ?? new Date('2026-03-01T12:00:00.000Z');
  const at = (step: number) => new Date(placedAt.getTime() + step * 1000);
  const events: OrderEvent[] = [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        email: spec.email ?? `${customerId}@example.com`,
        lines,
        total: sumMoney(lines.map((line) => line.lineTotal)),
        idempotencyKey: null,
      },
      metadata: metadata(at(0), { sub: customerId, role: 'customer' }),
    },
  ];
  switch (spec.outcome ?? 'pending') {
    case 'pending':
      break;
    case 'accepted':
      events.push({ type: 'OrderAccepted', data: { orderId }, metadata: metadata(at(1), vendor) });
      break;
    case 'delivered':
      events.push({ type: 'OrderAccepted', data: { orderId }, metadata: metadata(at(1), vendor) });
      events.push({ type: 'OrderDelivered', data: { orderId }, metadata: metadata(at(2), vendor) });
      break;
    case 'cancelled':
      events.push({ type: 'OrderCancelled', data: { orderId, reason: null }, metadata: metadata(at(1), { sub: customerId, role: 'customer' }) });
      break;
    case 'rejected':
      events.push({ type: 'OrderRejected', data: { orderId, reason: 'kitchen closed' }, metadata: metadata(at(1), vendor) });
      break;
  }
  return events;
}

/** The events with their stream versions, as a projector receives them. */
export const withVersions = (events: readonly OrderEvent[]) => events.map((event, index) => ({ streamVersion: index + 1, event }));
