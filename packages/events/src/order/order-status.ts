import type { OrderEvent, OrderStatus } from './order.events';

/**
 * The order's state machine as statuses: the status each event leaves an order in. The decider, the read
 * model and live tracking all read it here; `decide` (order.decider.ts) says which event may follow which.
 */
export const ORDER_STATUS_AFTER: Readonly<Record<OrderEvent['type'], OrderStatus>> = {
  OrderPlaced: 'pending',
  OrderAccepted: 'accepted',
  OrderRejected: 'rejected',
  OrderCancelled: 'cancelled',
  OrderDelivered: 'delivered',
};

/** The statuses no event leaves: an order in one of them changes no more. */
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['delivered', 'cancelled', 'rejected'];

export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL_ORDER_STATUSES.includes(status);
}
