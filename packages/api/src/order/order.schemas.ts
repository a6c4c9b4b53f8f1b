import {
  LineQuantity,
  MenuItemId,
  MenuKind,
  Money,
  ORDER_LIMITS,
  OrderAccepted,
  OrderCancelled,
  OrderDelivered,
  OrderPlaced,
  OrderRejected,
  OrderStatus,
} from '@delivery/events';
import { z } from 'zod';

const OrderId = z.uuid('must be an order id (a UUID)');
/** Stream versions are 32-bit in both stores: a larger number must never reach SQL. */
const StreamVersion = z.number().int().max(2_147_483_647, 'must be at most 2147483647');
const ExpectedVersion = StreamVersion.min(0).optional();

const OrderItemInput = z
  .object({
    kind: MenuKind,
    id: MenuItemId,
    quantity: LineQuantity,
  })
  .strict();

export const PlaceOrderInput = z
  .object({
    items: z.array(OrderItemInput).min(1, 'an order needs at least one item').max(ORDER_LIMITS.maxLines, `at most ${ORDER_LIMITS.maxLines} lines`),
    email: z.email().max(254).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();

export const OrderIdInput = z.object({ orderId: OrderId }).strict();

export const GetOrderInput = z.object({ orderId: OrderId, minVersion: StreamVersion.min(1).optional() }).strict();

export const ListOrdersInput = z
  .object({
    status: OrderStatus.optional(),
    limit: z.number().int().min(1).max(100).optional(),
    cursor: z.string().max(500).nullish(),
  })
  .strict()
  .optional();

export const ChangeOrderInput = z.object({ orderId: OrderId, expectedVersion: ExpectedVersion }).strict();

export const RejectOrderInput = z.object({ orderId: OrderId, reason: z.string().trim().min(1).max(500), expectedVersion: ExpectedVersion }).strict();

export const PlacedOrder = z.object({
  orderId: z.string(),
  status: OrderStatus,
  total: Money,
  version: z.number().int(),
});

const historyEntry = <T extends z.ZodLiteral<string>, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type, version: z.number().int(), occurredAt: z.string(), data });

/** One event as `order.history` shows it, discriminated by `type` (the owner id and idempotency key stay inside). */
export const OrderHistoryEntry = z.discriminatedUnion('type', [
  historyEntry(OrderPlaced.shape.type, OrderPlaced.shape.data.omit({ customerId: true, idempotencyKey: true })),
  historyEntry(OrderAccepted.shape.type, OrderAccepted.shape.data),
  historyEntry(OrderRejected.shape.type, OrderRejected.shape.data),
  historyEntry(OrderCancelled.shape.type, OrderCancelled.shape.data),
  historyEntry(OrderDelivered.shape.type, OrderDelivered.shape.data),
]);
export type OrderHistoryEntry = z.infer<typeof OrderHistoryEntry>;

export const OrderStatusChange = z.object({
  orderId: z.string(),
  status: OrderStatus,
  version: z.number().int(),
  at: z.string(),
});
export type OrderStatusChange = z.infer<typeof OrderStatusChange>;
