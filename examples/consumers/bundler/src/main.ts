// Bundled for the browser platform (esbuild picks the SDK's ES module build and eventsource's browser-safe
// code); run by Node here, as a browser would run it: place an order, follow it live until delivered.
import { createDeliveryClient } from '@delivery/sdk';

declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

const { API_URL: url, TOKEN: token } = process.env;
if (!url || !token) throw new Error('set API_URL and TOKEN');
const client = createDeliveryClient({ url, token });
const [dish] = await client.menu.food.list.query({ available: true });
if (!dish) throw new Error('the menu is empty');
const placed = await client.order.place.mutate({ items: [{ kind: 'food', id: dish.id, quantity: 1 }] });
const statuses: string[] = [];
for await (const change of client.order.onStatusChange.subscribe({ orderId: placed.orderId, lastEventId: '0' }, { signal: AbortSignal.timeout(60_000) })) {
  statuses.push(change.data.status);
  if (change.data.status === 'delivered') break;
}
console.log(JSON.stringify({ consumer: 'bundler', orderId: placed.orderId, statuses }));
process.exit(statuses.at(-1) === 'delivered' ? 0 : 1);
