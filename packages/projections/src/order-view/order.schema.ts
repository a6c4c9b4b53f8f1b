import { Money, OrderLine, OrderStatus } from '@delivery/events';
import { z } from 'zod';
import type { OrderViewRow } from './order-view.table';

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

/** Shapes a read-model row as the public `Order`, field by field. */
export function toOrder(row: OrderViewRow): Order {
  return {
    orderId: row.orderId,
    status: row.status,
    email: row.email,
    lines: row.lines,
    total: row.total,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}
