import { orderStreamId, parseOrderEvent, type EventStore, type OrderEvent } from '@delivery/events';
import type { Kysely } from 'kysely';
import { isLostRace, readCommittedTransaction } from '@delivery/events';
import { foldOrderView, ProjectionError, type RecordedOrderEvent } from './order-view.projection';
import { insertOrderView, lockOrderView, updateOrderViewIfVersion } from './order-view.repository';

/** An event as the projection worker receives it from `orders.projection`. */
export interface OrderEventMessage {
  streamId: string;
  streamVersion: number;
  event: OrderEvent;
}

/**
 * - `applied`: the event was the next one of its order and is now in the row;
 * - `duplicate`: the row already had it (a redelivery, or an old version): nothing was written;
 * - `gap-filled`: earlier events were missing, read from the event store and applied with it, in order.
 */
export type ApplyOutcome = 'applied' | 'duplicate' | 'gap-filled';

export interface OrderProjectorDeps<DB> {
  db: Kysely<DB>;
  /** Where a gap's missing events are read from. */
  store: Pick<EventStore, 'readStream'>;
  /** Transactions that lose a race (duplicate first insert, deadlock) are retried this many times in all. */
  maxAttempts?: number;
}

type Attempt = { outcome: ApplyOutcome } | { missingFrom: number; missingTo: number };

/**
 * Applies one event to the order read model exactly once, however often and in whatever order it is
 * delivered: the row's `version` is the per-stream checkpoint, and the row and its version change in one
 * transaction under the row's lock. A gap is filled from the event store, never applied out of order.
 * @throws ProjectionError when the stream itself is inconsistent (park the message: a retry cannot help).
 * @example const outcome = await applyOrderEvent({ db, store }, { streamId, streamVersion, event });
 */
export async function applyOrderEvent<DB>(deps: OrderProjectorDeps<DB>, message: OrderEventMessage): Promise<ApplyOutcome> {
  const { streamId, streamVersion, event } = message;
  if (streamId !== orderStreamId(event.data.orderId)) {
    throw new ProjectionError(`stream ${streamId} does not hold order ${event.data.orderId}`);
  }
  if (!Number.isSafeInteger(streamVersion) || streamVersion < 1) {
    throw new ProjectionError(`invalid stream version ${streamVersion} of ${streamId}`);
  }
  const known = new Map<number, OrderEvent>([[streamVersion, event]]);
  const maxAttempts = deps.maxAttempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    let result: Attempt;
    try {
      // READ COMMITTED: locking a missing row takes no gap lock (InnoDB), so two first inserts of one
      // order meet on the primary key (one gets a duplicate-key error and retries) instead of
      // deadlocking. PostgreSQL behaves so at any level; PGlite runs one transaction at a time.
      result = await readCommittedTransaction(deps.db).execute((trx) => applyOnce(trx, message, known));
    } catch (error) {
      if (!isLostRace(error) || attempt >= maxAttempts) throw error;
      continue;
    }
    if ('outcome' in result) return result.outcome;
    if (attempt >= maxAttempts) throw new Error(`gap in ${streamId} still open after ${maxAttempts} attempts`);
    // Read outside the transaction: no row lock or pooled connection is held while the store answers.
    // The retry locks the row again; rows only move forward, so what is fetched here still covers the gap.
    await fetchMissing(deps.store, streamId, result.missingFrom, result.missingTo, known);
  }
}

async function applyOnce<DB>(trx: Kysely<DB>, message: OrderEventMessage, known: ReadonlyMap<number, OrderEvent>): Promise<Attempt> {
  const row = await lockOrderView(trx, message.event.data.orderId);
  const current = row?.version ?? 0;
  if (message.streamVersion <= current) return { outcome: 'duplicate' };

  const pending: RecordedOrderEvent[] = [];
  for (let version = current + 1; version <= message.streamVersion; version++) {
    const event = known.get(version);
    if (!event) return { missingFrom: version, missingTo: message.streamVersion - 1 };
    pending.push({ streamVersion: version, event });
  }
  const next = foldOrderView(pending, row);
  if (!next) throw new ProjectionError(`nothing to project for ${message.streamId}`);
  if (row) {
    // The row is locked, so this cannot miss; checking anyway turns a broken invariant into an error.
    if (!(await updateOrderViewIfVersion(trx, next, current))) throw new Error(`order_view row of ${message.streamId} moved while locked`);
  } else {
    // A concurrent first insert makes this fail with a duplicate key: the caller retries and then sees the row.
    await insertOrderView(trx, next);
  }
  return { outcome: pending.length > 1 ? 'gap-filled' : 'applied' };
}

async function fetchMissing(store: Pick<EventStore, 'readStream'>, streamId: string, from: number, to: number, known: Map<number, OrderEvent>): Promise<void> {
  const recorded = await store.readStream(streamId, { fromVersion: from, maxCount: to - from + 1 });
  for (const entry of recorded) known.set(entry.streamVersion, parseOrderEvent(entry.event));
  for (let version = from; version <= to; version++) {
    // The event being applied was committed after these, so the store must have them.
    if (!known.has(version)) throw new ProjectionError(`${streamId} has no version ${version} in the event store`);
  }
}
