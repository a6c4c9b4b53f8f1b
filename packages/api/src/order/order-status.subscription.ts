import { isFinalStatus, readOrderStream, type OrderEvent, type RecordedEvent } from '@delivery/events';
import { tracked, TRPCError, type TrackedEnvelope } from '@trpc/server';
import type { AuthUser } from '../auth/jwt';
import type { AppDeps } from '../deps/app-deps';
import type { OrderStatusChange } from './order.schemas';
import { requireReadable } from './order-access';
import { listenForWakeUps } from '../live/order-change-feed';
import { statusChangeOf } from './order-status-changes';

type SubscriptionContext = {
  deps: Pick<AppDeps, 'eventStore' | 'orderChangeFeed'> & { config: Pick<AppDeps['config'], 'UNKNOWN_ORDER_WAIT_MS'> };
  user: AuthUser;
};

/**
 * `order.onStatusChange`: the order's current state first, then every change, each tracked by its stream
 * version. A client that reconnects sends the last version it saw (`lastEventId`) and gets every change
 * after it, read from the event store, so nothing is missed. The stream ends after a final status.
 * An order that does not exist yet is waited for (a client may subscribe before placement completes), for
 * `UNKNOWN_ORDER_WAIT_MS` at most; then the stream ends with NOT_FOUND. Another customer's order is treated
 * exactly like an unknown one, so the answer and its timing say nothing about whether it exists.
 */
export async function* orderStatusChanges(
  ctx: SubscriptionContext,
  input: { orderId: string; lastEventId?: string },
  signal: AbortSignal,
): AsyncGenerator<TrackedEnvelope<OrderStatusChange>> {
  const feed = ctx.deps.orderChangeFeed;
  if (!feed) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'live tracking is not running on this server' });
  let lastVersion = parseLastEventId(input.lastEventId);
  const resuming = input.lastEventId !== undefined;
  const givingUp = new AbortController();
  const unknownTimer = setTimeout(() => givingUp.abort(), ctx.deps.config.UNKNOWN_ORDER_WAIT_MS);
  const wakeUps = listenForWakeUps(feed, input.orderId, AbortSignal.any([signal, givingUp.signal]));
  try {
    let authorized = false;
    do {
      const recorded = await readOrderStream(ctx.deps.eventStore, input.orderId);
      if (!authorized) {
        if (!isReadableStream(ctx.user, input.orderId, recorded)) continue;
        authorized = true;
        clearTimeout(unknownTimer);
      }
      const unseen = recorded.filter((entry) => entry.streamVersion > lastVersion);
      // A first connection starts from the current state; a resumed one replays what it missed.
      const toSend = resuming || lastVersion > 0 ? unseen : unseen.slice(-1);
      for (const entry of toSend) {
        const change = statusChangeOf(entry);
        yield tracked(String(change.version), change);
        lastVersion = change.version;
      }
      const current = recorded.at(-1);
      if (current && isFinalStatus(statusChangeOf(current).status)) return;
    } while (await wakeUps.next());
    if (!authorized && givingUp.signal.aborted && !signal.aborted) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `order ${input.orderId} not found (waited ${ctx.deps.config.UNKNOWN_ORDER_WAIT_MS} ms for it)` });
    }
  } finally {
    clearTimeout(unknownTimer);
    wakeUps.close();
  }
}

function parseLastEventId(lastEventId: string | undefined): number {
  if (lastEventId === undefined) return 0;
  const version = Number(lastEventId);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'lastEventId: must be an order version (a whole number)' });
  }
  return version;
}

/** True when the order exists and `user` may see it. */
function isReadableStream(user: AuthUser, orderId: string, recorded: RecordedEvent<OrderEvent>[]): boolean {
  const placed = recorded[0]?.event;
  if (placed?.type !== 'OrderPlaced') return false;
  try {
    requireReadable(user, orderId, placed.data.customerId);
    return true;
  } catch {
    return false;
  }
}
