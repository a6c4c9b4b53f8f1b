// A library module of the consumer: exported functions whose return types the SDK infers.
import { allOrders, createDeliveryClient } from '@delivery/sdk';

export const client = createDeliveryClient({ url: process.env.API_URL ?? 'http://127.0.0.1:3000', token: process.env.TOKEN });
export const menu = () => client.menu.food.list.query();
export const drinks = () => client.menu.bar.list.query({ available: true });
export const quote = (id: number) => client.menu.quote.query({ items: [{ kind: 'food', id, quantity: 2 }] });
export const history = (orderId: string) => client.order.history.query({ orderId });
export const everyOrder = () => allOrders(client);
