import { NotFoundError, loadOrder, readOrderStream } from '@delivery/events';
import { getOrderWithOwner, listOrders, waitForOrderVersion, type Order, type OrderPage } from '@delivery/projections';
import type { Context } from '../trpc/context';
import { orderFromState } from './order.dto';
import { requireReadable } from './order-access';

/** How long `order.get` with `minVersion` waits for the read model before answering from the stream. */
const MIN_VERSION_WAIT_MS = 3_000;

type QueryContext = Pick<Context, 'readModel' | 'eventStore'> & { user: NonNullable<Context['user']> };

/**
 * An order from the read model (the replica while it is healthy). With `minVersion`, a replica answer older
 * than that is set aside for the primary's, waiting (bounded) until the projection has caught up, so a client
 * reads its own write; if it has not caught up in time, the event stream answers, which is never behind.
 */
export async function getOrderForUser(ctx: QueryContext, orderId: string, minVersion?: number): Promise<Order> {
  const read = await ctx.readModel.read((db) => getOrderWithOwner(db, orderId));
  const found =
    minVersion === undefined || (read && read.order.version >= minVersion)
      ? read
      : (await waitForOrderVersion(ctx.readModel.primary, orderId, { minVersion, timeoutMs: MIN_VERSION_WAIT_MS })).found;
  if (found && (minVersion === undefined || found.order.version >= minVersion)) {
    requireReadable(ctx.user, orderId, found.ownerId);
    return found.order;
  }
  const { state } = await loadOrder(ctx.eventStore, orderId);
  if (state.status === 'absent') throw new NotFoundError(`order ${orderId} not found`);
  requireReadable(ctx.user, orderId, state.customerId);
  return orderFromState(state);
}

export async function listOrdersForUser(
  ctx: Pick<QueryContext, 'readModel' | 'user'>,
  input: { status?: Order['status']; limit?: number; cursor?: string | null } = {},
): Promise<OrderPage> {
  const customerId = ctx.user.role === 'customer' ? ctx.user.sub : undefined;
  return ctx.readModel.read((db) => listOrders(db, { ...input, customerId }));
}

export async function orderHistoryForUser(ctx: Pick<QueryContext, 'eventStore' | 'user'>, orderId: string) {
  const recorded = await readOrderStream(ctx.eventStore, orderId);
  const placed = recorded[0]?.event;
  if (!placed || placed.type !== 'OrderPlaced') throw new NotFoundError(`order ${orderId} not found`);
  requireReadable(ctx.user, orderId, placed.data.customerId);
  return recorded.map(({ streamVersion, event }) => ({
    type: event.type,
    version: streamVersion,
    occurredAt: event.metadata.occurredAt,
    data: historyData(event.data),
  }));
}

/** Event data as history shows it: the internal owner id and idempotency key stay inside. */
function historyData(data: object): Record<string, unknown> {
  const { customerId: _owner, idempotencyKey: _key, ...shown } = data as Record<string, unknown>;
  return shown;
}
