import { ORDER_STATUS_AFTER, type OrderEvent } from '@delivery/events';
import { UTC_MILLIS, type OrderViewRow } from './order-view.table';

/** An event at its place in its stream, as the projector applies it. */
export interface RecordedOrderEvent {
  streamVersion: number;
  event: OrderEvent;
}

/** A stream that breaks the projection's assumptions: the projector must not write anything for it. */
export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

// DATETIME(3) keeps milliseconds in UTC: normalising here makes a folded row equal to one read back.
// Most events already carry that shape (their schema has checked the date and time fields), and a
// replay folds millions of them: only the others go through a Date.
const toUtcMillis = (occurredAt: string): string => (UTC_MILLIS.test(occurredAt) ? occurredAt : new Date(occurredAt).toISOString());

/**
 * Folds one event into the read-model row of its order. Pure: time comes from the event's metadata.
 * Refuses an event that is not the next one of the stream, so a caller cannot apply out of order by mistake.
 * @throws ProjectionError when the event does not directly follow `row` (or does not start the stream).
 * @example const row = events.reduce<OrderViewRow | null>(projectOrderView, null);
 */
export function projectOrderView(row: OrderViewRow | null, recorded: RecordedOrderEvent): OrderViewRow {
  const { event, streamVersion } = recorded;
  const expected = (row?.version ?? 0) + 1;
  if (streamVersion !== expected) {
    throw new ProjectionError(`${event.type} of order ${event.data.orderId} has version ${streamVersion}, expected ${expected}`);
  }
  if (event.type === 'OrderPlaced') {
    if (row) throw new ProjectionError(`order ${event.data.orderId} is placed a second time at version ${streamVersion}`);
    const createdAt = toUtcMillis(event.metadata.occurredAt);
    return {
      orderId: event.data.orderId,
      customerId: event.data.customerId,
      email: event.data.email,
      status: ORDER_STATUS_AFTER.OrderPlaced,
      lines: event.data.lines,
      total: event.data.total,
      createdAt,
      updatedAt: createdAt,
      version: streamVersion,
    };
  }
  if (!row) throw new ProjectionError(`order ${event.data.orderId} starts with ${event.type}, not OrderPlaced`);
  if (row.orderId !== event.data.orderId) {
    throw new ProjectionError(`${event.type} of order ${event.data.orderId} applied to order ${row.orderId}`);
  }
  const updated = { ...row, updatedAt: toUtcMillis(event.metadata.occurredAt), version: streamVersion };
  switch (event.type) {
    case 'OrderAccepted':
    case 'OrderRejected':
    case 'OrderCancelled':
    case 'OrderDelivered':
      return { ...updated, status: ORDER_STATUS_AFTER[event.type] };
    default: {
      const exhaustive: never = event;
      throw new ProjectionError(`unknown event ${JSON.stringify(exhaustive)}`);
    }
  }
}

/**
 * Folds a whole stream (in version order) into its row: what the projector must end up with,
 * however the events were delivered.
 * @example const row = foldOrderView(await readOrderStream(store, orderId));
 */
export function foldOrderView(events: readonly RecordedOrderEvent[], from: OrderViewRow | null = null): OrderViewRow | null {
  return events.reduce<OrderViewRow | null>(projectOrderView, from);
}
