import { LineQuantity, MenuItemId, MenuKind, Money, ORDER_LIMITS, OrderStatus } from '@delivery/events';
import { z } from 'zod';

const OrderId = z.uuid('must be an order id (a UUID)');
/** Stream versions are 32-bit in both stores: a larger number must never reach SQL. */
const StreamVersion = z.number().int().max(2_147_483_647, 'must be at most 2147483647');
const ExpectedVersion = StreamVersion.min(0).optional();

export const OrderItemInput = z
  .object({
    kind: MenuKind,
    id: MenuItemId,
    quantity: LineQuantity,
  })
  .strict();

export const PlaceOrderInput = z
  .object({
    items: z
      .array(OrderItemInput)
      .min(1, 'an order needs at least one item')
      .max(ORDER_LIMITS.maxLines, `at most ${ORDER_LIMITS.maxLines} lines`),
    email: z.email().max(254).optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();

export const OrderIdInput = z.object({ orderId: OrderId }).strict();

export const GetOrderInput = z
  .object({ orderId: OrderId, minVersion: StreamVersion.min(1).optional() })
  .strict();

export const ListOrdersInput = z
  .object({
    status: OrderStatus.optional(),
    limit: z.number().int().min(1).max(100).optional(),
    cursor: z.string().max(500).nullish(),
  })
  .strict()
  .optional();

export const ChangeOrderInput = z.object({ orderId: OrderId, expectedVersion: ExpectedVersion }).strict();

export const RejectOrderInput = z
  .object({ orderId: OrderId, reason: z.string().trim().min(1).max(500), expectedVersion: ExpectedVersion })
  .strict();

export const PlacedOrder = z.object({
  orderId: z.string(),
  status: OrderStatus,
  total: Money,
  version: z.number().int(),
});

export const OrderHistoryEntry = z.object({
  type: z.string(),
  version: z.number().int(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const OrderStatusChange = z.object({
  orderId: z.string(),
  status: OrderStatus,
  version: z.number().int(),
  at: z.string(),
});
export type OrderStatusChange = z.infer<typeof OrderStatusChange>;
