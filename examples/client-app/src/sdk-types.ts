// Type tests: `tsc` fails when the SDK's published types stop matching what this app relies on.
// Nothing here runs.
import {
  clientFailureOf,
  conflictOf,
  deliveryErrorCode,
  type DeliveryClient,
  type DeliveryClientError,
  type DeliveryErrorCode,
  type Order,
  type OrderHistoryEntry,
  type OrderStatus as SdkOrderStatus,
  type RouterInputs,
  type RouterOutputs,
} from '@delivery/sdk';
import { expectTypeOf } from 'expect-type';

type OrderStatus = 'pending' | 'accepted' | 'delivered' | 'cancelled' | 'rejected';
type Item = { kind: 'food' | 'bar'; id: number; quantity: number };

// Inputs: order.place requires items; email and the idempotency key are optional.
expectTypeOf<RouterInputs['order']['place']>().toEqualTypeOf<{ items: Item[]; email?: string | undefined; idempotencyKey?: string | undefined }>();
expectTypeOf<{ email: string }>().not.toExtend<RouterInputs['order']['place']>();
expectTypeOf<{ items: [{ kind: 'pizza'; id: 1; quantity: 1 }] }>().not.toExtend<RouterInputs['order']['place']>();
expectTypeOf<Parameters<DeliveryClient['order']['place']['mutate']>[0]>().toEqualTypeOf<RouterInputs['order']['place']>();
expectTypeOf<RouterInputs['order']['onStatusChange']>().toEqualTypeOf<{ orderId: string; lastEventId?: string | undefined }>();
expectTypeOf<{ category: 'Sides' }>().toExtend<RouterInputs['menu']['food']['list']>();
expectTypeOf<{ category: 'Beer' }>().not.toExtend<RouterInputs['menu']['food']['list']>();
expectTypeOf<{ category: 'Beer' }>().toExtend<RouterInputs['menu']['bar']['list']>();

// Outputs: ids, decimal-string money, versions.
expectTypeOf<RouterOutputs['order']['place']>().toEqualTypeOf<{ orderId: string; status: OrderStatus; total: string; version: number }>();
expectTypeOf<ReturnType<DeliveryClient['order']['place']['mutate']>>().resolves.toHaveProperty('orderId').toEqualTypeOf<string>();
expectTypeOf<RouterOutputs['order']['get']>().toMatchObjectType<{ orderId: string; status: OrderStatus; total: string; version: number }>();
expectTypeOf<RouterOutputs['order']['get']['lines'][number]>().toMatchObjectType<{ name: string; unitPrice: string; quantity: number; lineTotal: string }>();
expectTypeOf<RouterOutputs['order']['list']>().toMatchObjectType<{ items: RouterOutputs['order']['get'][] }>();
expectTypeOf<RouterOutputs['menu']['bar']['get']>().toHaveProperty('alcoholContent').toEqualTypeOf<'Strong' | 'Medium' | 'None'>();

// Named types, and the history as a union by event type.
expectTypeOf<Order>().toEqualTypeOf<RouterOutputs['order']['get']>();
expectTypeOf<SdkOrderStatus>().toEqualTypeOf<OrderStatus>();
expectTypeOf<Extract<OrderHistoryEntry, { type: 'OrderRejected' }>['data']>().toEqualTypeOf<{ orderId: string; reason: string }>();
expectTypeOf<{ type: 'OrderShipped'; version: 1; occurredAt: ''; data: {} }>().not.toExtend<OrderHistoryEntry>();

// Live changes: tracked events whose data carries the status.
type Changes = ReturnType<DeliveryClient['order']['onStatusChange']['subscribe']>;
type Change = Changes extends AsyncIterable<infer TChange> ? TChange : never;
expectTypeOf<Change>().toEqualTypeOf<{ id: string; data: { orderId: string; status: OrderStatus; version: number; at: string } }>();

// Errors: the code, the input issues and, on a conflict, the current version.
expectTypeOf(conflictOf).returns.toEqualTypeOf<{ currentVersion: number; currentStatus?: OrderStatus } | undefined>();
expectTypeOf(deliveryErrorCode).returns.toEqualTypeOf<DeliveryErrorCode | undefined>();
expectTypeOf<'NOT_FOUND'>().toExtend<DeliveryErrorCode>();
expectTypeOf<'TEAPOT'>().not.toExtend<DeliveryErrorCode>();
expectTypeOf(clientFailureOf).returns.toEqualTypeOf<'aborted' | 'timeout' | 'token' | 'network' | undefined>();
expectTypeOf<NonNullable<DeliveryClientError['data']>>().toMatchObjectType<{
  currentVersion?: number | undefined;
  issues?: { path: string; message: string }[] | undefined;
}>();
expectTypeOf<DeliveryClientError['message']>().toEqualTypeOf<string>();

// Cancellation: every call takes a signal.
expectTypeOf<{ signal: AbortSignal }>().toExtend<NonNullable<Parameters<DeliveryClient['order']['get']['query']>[1]>>();
