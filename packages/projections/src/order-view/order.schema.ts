import { Money, OrderLine, OrderStatus } from '@delivery/events';
import { z } from 'zod';

/**
 * The `Order` of API.md, as `order.get`, `order.list` and the order commands return it. Use it as the
 * procedures' output schema: it names every field, so no column (such as the owner) can leak.
 */
export const Order = z.object({
  orderId: z.uuid(),
  status: OrderStatus,
  email: z.email(),
  lines: z.array(OrderLine),
  total: Money,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().positive(),
});
export type Order = z.infer<typeof Order>;

export const OrderPage = z.object({ items: z.array(Order), nextCursor: z.string().nullable() });
export type OrderPage = z.infer<typeof OrderPage>;

/**
 * Shapes whatever holds an order's fields (a read-model row, the decider's state) as the public `Order`,
 * field by field, so nothing else it holds (the owner, the idempotency key) leaks.
 */
export function toOrder(source: Order): Order {
  return {
    orderId: source.orderId,
    status: source.status,
    email: source.email,
    lines: source.lines,
    total: source.total,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
    version: source.version,
  };
}
