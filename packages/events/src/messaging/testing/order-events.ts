import { randomUUID } from 'node:crypto';
import { CURRENT_SCHEMA_VERSION, orderStreamId, type EventMetadata, type OrderEvent, type OrderLine, type OrderPlaced } from '../../order/order.events';
import { multiplyMoney, sumMoney } from '../../shared/money';
import type { OutgoingEventMessage } from '../event-message';

/** Test data only: valid events and messages, so tests state just what they care about. */

const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  eventId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: new Date().toISOString(),
  schemaVersion: CURRENT_SCHEMA_VERSION,
  actor: { sub: 'alice', role: 'customer' },
  ...overrides,
});

export function sampleOrderLines(): OrderLine[] {
  return [
    { kind: 'food', itemId: 3, name: 'Margherita Pizza', unitPrice: '12.50', quantity: 2, lineTotal: multiplyMoney('12.50', 2) },
    { kind: 'bar', itemId: 7, name: 'Mojito', unitPrice: '8.75', quantity: 1, lineTotal: '8.75' },
  ];
}

export function sampleOrderPlaced(overrides: { orderId?: string; email?: string; lines?: OrderLine[] } = {}): OrderPlaced {
  const lines = overrides.lines ?? sampleOrderLines();
  return {
    type: 'OrderPlaced',
    data: {
      orderId: overrides.orderId ?? randomUUID(),
      customerId: 'alice',
      email: overrides.email ?? 'alice@example.com',
      lines,
      total: sumMoney(lines.map((line) => line.lineTotal)),
      idempotencyKey: null,
    },
    metadata: metadata(),
  };
}

export function sampleOrderAccepted(orderId: string): OrderEvent {
  return { type: 'OrderAccepted', data: { orderId }, metadata: metadata({ actor: { sub: 'kitchen', role: 'vendor' } }) };
}

/** The message the relay would publish for `event` at `streamVersion`. */
export function sampleEventMessage(event: OrderEvent, streamVersion = 1): OutgoingEventMessage {
  return { streamId: orderStreamId(event.data.orderId), streamVersion, event };
}
