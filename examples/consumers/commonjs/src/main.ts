// CommonJS consumer: compiled to require('@delivery/sdk'). Reads the menu, places an order, reads it back.
import { createDeliveryClient, type Order } from '@delivery/sdk';

async function main(): Promise<void> {
  const { API_URL: url, TOKEN: token } = process.env;
  if (!url || !token) throw new Error('set API_URL and TOKEN');
  const client = createDeliveryClient({ url, token });
  const [dish] = await client.menu.food.list.query({ available: true });
  if (!dish) throw new Error('the menu is empty');
  const placed = await client.order.place.mutate({ items: [{ kind: 'food', id: dish.id, quantity: 1 }] });
  const order: Order = await client.order.get.query({ orderId: placed.orderId, minVersion: placed.version });
  console.log(JSON.stringify({ consumer: 'commonjs', loadedBy: typeof require, orderId: order.orderId, total: order.total, status: order.status }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
