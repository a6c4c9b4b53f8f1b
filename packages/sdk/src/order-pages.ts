import type { ListOrdersInput, Order } from './api-types';
import type { DeliveryClient } from './delivery-client';

/**
 * Every order `order.list` would show, newest first, fetched a page at a time as the loop asks for them:
 * no cursor to handle. Stop early with `break`; pass `{ signal }` to cancel a page in flight.
 * @example
 * for await (const order of allOrders(client, { status: 'pending' })) console.log(order.orderId, order.total);
 */
export async function* allOrders(
  client: DeliveryClient,
  filter: Omit<ListOrdersInput, 'cursor'> = {},
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<Order, void, undefined> {
  let cursor: string | null | undefined;
  do {
    const page = await client.order.list.query({ ...filter, cursor }, { signal: options.signal });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}
