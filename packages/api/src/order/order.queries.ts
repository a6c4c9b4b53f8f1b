import { NotFoundError, loadOrder, readOrderStream } from '@delivery/events';
import { getOrderWithOwner, listOrders, toOrder, waitForOrderVersion, type Order, type OrderPage } from '@delivery/projections';
import type { AppDeps } from '../deps/app-deps';
import type { Context } from '../trpc/context';
import type { OrderHistoryEntry } from './order.schemas';
import { requireReadable } from './order-access';
import { VersionNotReachedError } from '../trpc/version-not-reached.error';

type QueryDeps = Pick<AppDeps, 'readModel' | 'eventStore'>;
type QueryContext = { deps: QueryDeps; user: NonNullable<Context['user']> };
type WaitingContext = {
  deps: QueryDeps & Pick<AppDeps, 'waits'> & { config: Pick<AppDeps['config'], 'MIN_VERSION_WAIT_MS'> };
  user: NonNullable<Context['user']>;
};

/**
 * An order from the read model (the replica while it is healthy), or from its event stream while the read
 * model has not caught up.
 *
 * With `minVersion` the read waits (at most `MIN_VERSION_WAIT_MS`, on the primary, which the projection
 * writes) until the read model has the client's own write. Access is checked first, at once: an unknown order
 * and another customer's order answer the same NOT_FOUND without waiting. The wait ends when the client
 * leaves (`signal`), and only `MAX_CONCURRENT_WAITS` wait at once per process (the others read the stream at
 * once). If the order has not reached `minVersion` even in its stream, the answer says so
 * (VersionNotReachedError: TIMEOUT) rather than returning older data.
 */
export async function getOrderForUser(ctx: WaitingContext, orderId: string, minVersion?: number, signal?: AbortSignal): Promise<Order> {
  const found = await ctx.deps.readModel.read((db) => getOrderWithOwner(db, orderId));
  if (found) requireReadable(ctx.user, orderId, found.ownerId);
  if (found && found.order.version >= (minVersion ?? 0)) return found.order;
  // Not in the read model yet: the stream, which is never behind, says whether it exists and who owns it.
  const fromStream = found ? null : await readableStreamState(ctx, orderId);
  if (minVersion === undefined && fromStream) return toOrder(fromStream);
  if (minVersion !== undefined) {
    const slot = ctx.deps.waits.tryTake();
    if (slot) {
      try {
        const waited = await waitForOrderVersion(ctx.deps.readModel.primary, orderId, { minVersion, timeoutMs: ctx.deps.config.MIN_VERSION_WAIT_MS, signal });
        if (waited.caughtUp && waited.found) return waited.found.order;
      } finally {
        slot();
      }
    }
  }
  const order = toOrder(await readableStreamState(ctx, orderId));
  if (minVersion !== undefined && order.version < minVersion) {
    throw new VersionNotReachedError(orderId, minVersion, order.version, ctx.deps.config.MIN_VERSION_WAIT_MS);
  }
  return order;
}

/** The order's state from its stream, once `ctx.user` may see it; NOT_FOUND for unknown and foreign orders alike. */
async function readableStreamState(ctx: QueryContext, orderId: string) {
  const { state } = await loadOrder(ctx.deps.eventStore, orderId);
  if (state.status === 'absent') throw new NotFoundError(`order ${orderId} not found`);
  requireReadable(ctx.user, orderId, state.customerId);
  return state;
}

export async function listOrdersForUser(
  ctx: { deps: Pick<QueryDeps, 'readModel'>; user: QueryContext['user'] },
  input: { status?: Order['status']; limit?: number; cursor?: string | null } = {},
): Promise<OrderPage> {
  const customerId = ctx.user.role === 'customer' ? ctx.user.sub : undefined;
  return ctx.deps.readModel.read((db) => listOrders(db, { ...input, customerId }));
}

export async function orderHistoryForUser(ctx: { deps: Pick<QueryDeps, 'eventStore'>; user: QueryContext['user'] }, orderId: string) {
  const recorded = await readOrderStream(ctx.deps.eventStore, orderId);
  const placed = recorded[0]?.event;
  if (!placed || placed.type !== 'OrderPlaced') throw new NotFoundError(`order ${orderId} not found`);
  requireReadable(ctx.user, orderId, placed.data.customerId);
  return recorded.map(({ streamVersion, event }): OrderHistoryEntry => {
    const entry = { version: streamVersion, occurredAt: event.metadata.occurredAt };
    if (event.type !== 'OrderPlaced') return { ...entry, type: event.type, data: event.data } as OrderHistoryEntry;
    // The internal owner id and idempotency key stay inside.
    const { customerId: _owner, idempotencyKey: _key, ...shown } = event.data;
    return { ...entry, type: event.type, data: shown };
  });
}
