import type { RouterInputs, RouterOutputs } from './router-types';

// Named types for what the API takes and gives. Besides being handy, they let a consumer's declaration
// emit (`declaration: true`) name a value's type through `@delivery/sdk` instead of a path into the
// package manager's store.

/** An order as `order.get`, `order.list` and the order commands return it. */
export type Order = RouterOutputs['order']['get'];
/** `pending` -> `accepted` -> `delivered`; `pending` -> `cancelled`; `pending` -> `rejected`. */
export type OrderStatus = Order['status'];
/** One line of an order, priced from the menu at placement. */
export type OrderLine = Order['lines'][number];
/** What `order.place` answers. */
export type PlacedOrder = RouterOutputs['order']['place'];
/** One page of `order.list`: `nextCursor` is null on the last page. */
export type OrderPage = RouterOutputs['order']['list'];
/** One event of `order.history`, discriminated by `type`. */
export type OrderHistoryEntry = RouterOutputs['order']['history'][number];
/** The event types `order.history` shows. */
export type OrderEventType = OrderHistoryEntry['type'];
/** A food menu item. */
export type FoodMenuItem = RouterOutputs['menu']['food']['get'];
/** A bar menu item, with its `alcoholContent`. */
export type BarMenuItem = RouterOutputs['menu']['bar']['get'];
/** A menu item of either kind. */
export type MenuItem = FoodMenuItem | BarMenuItem;
/** What `menu.quote` answers: priced lines and the total. */
export type Quote = RouterOutputs['menu']['quote'];
/** What `order.place` takes. */
export type PlaceOrderInput = RouterInputs['order']['place'];
/** One item of a placement or a quote. */
export type OrderItemInput = PlaceOrderInput['items'][number];
/** What `order.list` takes (status filter, page size, cursor). */
export type ListOrdersInput = NonNullable<RouterInputs['order']['list']>;
/** One change `order.onStatusChange` yields: `id` is the order's version, `data` the change. */
export type OrderStatusChange = { id: string; data: { orderId: string; status: OrderStatus; version: number; at: string } };
