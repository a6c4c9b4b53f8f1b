import { signToken } from '@delivery/api';
import { httpPost } from './http-post';

/** The customer every benchmark order is placed for. */
export const BENCH_CUSTOMER = { sub: 'bench-customer', role: 'customer' as const, email: 'bench@example.com' };

export interface OrderPlaceRequest {
  /** `POST` here with `headers` and `body`: `<api>/trpc/order.place`. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

interface MenuItem {
  id: number;
  available: boolean;
}

/**
 * An `order.place` call as a client sends it (plain JSON, no transformer, one call per request): two
 * lines, a food item twice and a bar item once, like the events the bare route and the generators write.
 * The item ids come from the API's own seeded menu.
 */
export async function orderPlaceRequest(apiUrl: string, authSecret: string): Promise<OrderPlaceRequest> {
  const [food, bar] = await Promise.all([firstAvailable(apiUrl, 'food'), firstAvailable(apiUrl, 'bar')]);
  const token = await signToken(authSecret, BENCH_CUSTOMER, '1h');
  return {
    url: `${apiUrl}/trpc/order.place`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      items: [
        { kind: 'food', id: food, quantity: 2 },
        { kind: 'bar', id: bar, quantity: 1 },
      ],
    }),
  };
}

/** Places one order; resolves with its id. */
export async function placeOrder(request: OrderPlaceRequest): Promise<string> {
  const { status, body: text } = await httpPost(request.url, request.headers, request.body);
  if (status !== 200) throw new Error(`order.place answered ${status}: ${text.slice(0, 300)}`);
  const orderId = (JSON.parse(text) as { result?: { data?: { orderId?: unknown } } }).result?.data?.orderId;
  if (typeof orderId !== 'string') throw new Error(`order.place answered without an order id: ${text.slice(0, 300)}`);
  return orderId;
}

async function firstAvailable(apiUrl: string, kind: 'food' | 'bar'): Promise<number> {
  const response = await fetch(`${apiUrl}/trpc/menu.${kind}.list`);
  if (!response.ok) throw new Error(`menu.${kind}.list answered ${response.status}`);
  const items = (await response.json()) as { result?: { data?: MenuItem[] } };
  const item = items.result?.data?.find((entry) => entry.available);
  if (!item) throw new Error(`the seeded ${kind} menu has no available item`);
  return item.id;
}
