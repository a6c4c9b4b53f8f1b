import type { PlacedOrderState } from '@delivery/events';
import type { Order } from '@delivery/projections';

/** The public shape of an order, built field by field so nothing internal (customer id, key) leaks. */
export function orderFromState(state: PlacedOrderState): Order {
  return {
    orderId: state.orderId,
    status: state.status,
    email: state.email,
    lines: state.lines,
    total: state.total,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    version: state.version,
  };
}
