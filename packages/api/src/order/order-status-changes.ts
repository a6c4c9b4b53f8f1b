import { ORDER_STATUS_AFTER, type OrderEvent, type RecordedEvent } from '@delivery/events';
import type { OrderStatusChange } from './order.schemas';

/** Every event of an order is a change of its status: the change each recorded event made. */
export function statusChangeOf(recorded: RecordedEvent<OrderEvent>): OrderStatusChange {
  return {
    orderId: recorded.event.data.orderId,
    status: ORDER_STATUS_AFTER[recorded.event.type],
    version: recorded.streamVersion,
    at: recorded.event.metadata.occurredAt,
  };
}
