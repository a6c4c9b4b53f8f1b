import { readOrderStream, type OrderEvent, type RecordedEvent } from '@delivery/events';
import { tracked, TRPCError, type TrackedEnvelope } from '@trpc/server';
import type { AuthUser } from '../auth/jwt';
import type { Context } from '../trpc/context';
import type { OrderStatusChange } from '../order/order.schemas';
import { requireReadable } from '../order/order-access';
import { listenForWakeUps } from './order-change-feed';
import { isFinalStatus, statusChangeOf } from './order-status-changes';

type SubscriptionContext = Pick<Context, 'eventStore' | 'orderChangeFeed'> & { user: AuthUser };

/**
 * `order.onStatusChange`: the order's current state first, then every change, each tracked by its stream
 * version. A client that reconnects sends the last version it saw (`lastEventId`) and gets every change
 * after it, read from the event store, so nothing is missed. The stream ends after a final status.
 * An order that does not exist yet is waited for (a client may subscribe before placement completes).
 */
export async function* orderStatusChanges(
  ctx: SubscriptionContext,
  input: { orderId: string; lastEventId?: string },
  signal: AbortSignal,
): AsyncGenerator<TrackedEnvelope<OrderStatusChange>> {
  const feed = ctx.orderChangeFeed;
  if (!feed) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'live tracking is not running on this server' });
  let lastVersion = parseLastEventId(input.lastEventId);
  const resuming = input.lastEventId !== undefined;
  const wakeUps = listenForWakeUps(feed, input.orderId, signal);
  try {
    let authorized = false;
    do {
      const recorded = await readOrderStream(ctx.eventStore, input.orderId);
      if (recorded.length === 0) continue;
      if (!authorized) {
        requireReadableStream(ctx.user, input.orderId, recorded);
        authorized = true;
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
  } finally {
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

/** Errors thrown while streaming bypass the procedure's middleware, so this one is a TRPCError already. */
function requireReadableStream(user: AuthUser, orderId: string, recorded: RecordedEvent<OrderEvent>[]): void {
  const placed = recorded[0]?.event;
  try {
    requireReadable(user, orderId, placed?.type === 'OrderPlaced' ? placed.data.customerId : '');
  } catch (error) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `order ${orderId} not found`, cause: error });
  }
}
