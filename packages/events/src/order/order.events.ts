import { z } from 'zod';
import { StoredEventMetadata } from '../event-store/event-store';
import { Money } from '../shared/money';
import { ORDER_LIMITS } from './order.limits';

export const MenuKind = z.enum(['food', 'bar']);
export type MenuKind = z.infer<typeof MenuKind>;

export const OrderStatus = z.enum(['pending', 'accepted', 'delivered', 'cancelled', 'rejected']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const Role = z.enum(['customer', 'vendor', 'admin']);
export type Role = z.infer<typeof Role>;

/** Who acts: a token's subject (at most 200 characters, as the API accepts them) and role. */
export const Actor = z.object({ sub: z.string().min(1).max(200), role: Role });
export type Actor = z.infer<typeof Actor>;

/** A menu item's id: a PostgreSQL serial, so a larger number must never reach SQL. */
export const MenuItemId = z.number().int().positive().max(ORDER_LIMITS.maxMenuItemId, `must be at most ${ORDER_LIMITS.maxMenuItemId}`);

export const LineQuantity = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(ORDER_LIMITS.maxQuantity, `must be at most ${ORDER_LIMITS.maxQuantity}`);

export const OrderLine = z.object({
  kind: MenuKind,
  itemId: MenuItemId,
  name: z.string().min(1),
  unitPrice: Money,
  quantity: LineQuantity,
  lineTotal: Money,
});
export type OrderLine = z.infer<typeof OrderLine>;

/** The schema version every event is written with today; older ones are upcast on read. */
export const CURRENT_SCHEMA_VERSION = 1;

/** The order's event metadata: the store's own fields (event and correlation id), then the order's. */
export const EventMetadata = StoredEventMetadata.extend({
  causationId: z.string().min(1).nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.number().int().positive(),
  actor: Actor,
  /** W3C trace context of the append (only while tracing is on): the relay and the consumers continue its trace. */
  traceparent: z.string().max(200).optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

const event = <T extends string, D extends z.ZodType>(type: T, data: D) => z.object({ type: z.literal(type), data, metadata: EventMetadata });

export const OrderPlaced = event(
  'OrderPlaced',
  z.object({
    orderId: z.uuid(),
    customerId: z.string().min(1).max(200),
    email: z.email(),
    lines: z.array(OrderLine).min(1).max(ORDER_LIMITS.maxLines),
    total: Money,
    idempotencyKey: z.string().min(1).max(200).nullable(),
  }),
);
export type OrderPlaced = z.infer<typeof OrderPlaced>;

export const OrderAccepted = event('OrderAccepted', z.object({ orderId: z.uuid() }));
export type OrderAccepted = z.infer<typeof OrderAccepted>;

export const OrderRejected = event('OrderRejected', z.object({ orderId: z.uuid(), reason: z.string().min(1).max(500) }));
export type OrderRejected = z.infer<typeof OrderRejected>;

export const OrderCancelled = event('OrderCancelled', z.object({ orderId: z.uuid(), reason: z.string().max(500).nullable() }));
export type OrderCancelled = z.infer<typeof OrderCancelled>;

export const OrderDelivered = event('OrderDelivered', z.object({ orderId: z.uuid() }));
export type OrderDelivered = z.infer<typeof OrderDelivered>;

export const OrderEvent = z.discriminatedUnion('type', [OrderPlaced, OrderAccepted, OrderRejected, OrderCancelled, OrderDelivered]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderEventType = OrderEvent['type'];

export const orderEventTypes = OrderEvent.options.map((option) => option.shape.type.value);

export const orderStreamId = (orderId: string): string => `order-${orderId}`;

export function orderIdFromStreamId(streamId: string): string {
  if (!streamId.startsWith('order-')) throw new RangeError(`not an order stream: ${streamId}`);
  return streamId.slice('order-'.length);
}
