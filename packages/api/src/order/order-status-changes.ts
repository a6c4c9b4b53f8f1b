import type { OrderEvent, OrderStatus, RecordedEvent } from '@delivery/events';
import type { OrderStatusChange } from './order.schemas';

const statusAfter: Record<OrderEvent['type'], OrderStatus> = {
  OrderPlaced: 'pending',
  OrderAccepted: 'accepted',
  OrderRejected: 'rejected',
  OrderCancelled: 'cancelled',
  OrderDelivered: 'delivered',
};

/** Every event of an order is a change of its status: the change each recorded event made. */
export function statusChangeOf(recorded: RecordedEvent<OrderEvent>): OrderStatusChange {
  return {
    orderId: recorded.event.data.orderId,
    status: statusAfter[recorded.event.type],
    version: recorded.streamVersion,
    at: recorded.event.metadata.occurredAt,
  };
}

export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'delivered' || status === 'cancelled' || status === 'rejected';
}
