import { isLostRace, orderStreamId } from '@delivery/events';
import type { Kysely } from 'kysely';
import { foldOrderView, ProjectionError } from './order-view.projection';
import type { OrderEventMessage } from './order-view.projector';
import { getOrderViews, upsertOrderViewsIfNewer } from './order-view.repository';
import type { OrderViewRow } from './order-view.table';

export interface OrderBatchProjectorDeps<DB> {
  db: Kysely<DB>;
  /** Writes that lose a race (two upserts deadlocking on the same rows) are retried this many times in all. */
  maxAttempts?: number;
}

/**
 * Applies many events to the read model in two statements and no transaction: every order's row read at
 * once, each folded with its events of the batch that come next, all written in one statement that keeps
 * each row only where it is newer than the stored one. No lock is needed: a row at a given version is a
 * pure fold of its stream's first events, so whatever another writer did between the read and the write,
 * the higher version wins and is right (`upsertOrderViewsIfNewer`). The same rules as `applyOrderEvent`: the
 * row's `version` is the per-stream checkpoint (events at or below it are duplicates and change nothing),
 * and no event is applied out of order. What the batch cannot take is left over for `applyOrderEvent`, one
 * at a time: the events of an order with a gap before them (it reads the store), or of a stream that breaks
 * the projection's rules (it refuses them, so they are parked alone).
 * @example const { leftOver } = await applyOrderEventBatch({ db }, messages); for (const m of leftOver) await applyOrderEvent({ db, store }, m);
 */
export async function applyOrderEventBatch<DB, M extends OrderEventMessage>(
  deps: OrderBatchProjectorDeps<DB>,
  messages: readonly M[],
): Promise<{ leftOver: M[] }> {
  const leftOver: M[] = [];
  const byOrder = new Map<string, M[]>();
  for (const message of messages) {
    const { orderId } = message.event.data;
    if (message.streamId !== orderStreamId(orderId) || !Number.isSafeInteger(message.streamVersion) || message.streamVersion < 1) {
      leftOver.push(message);
      continue;
    }
    const events = byOrder.get(orderId);
    if (events) events.push(message);
    else byOrder.set(orderId, [message]);
  }
  if (byOrder.size === 0) return { leftOver };
  const maxAttempts = deps.maxAttempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await getOrderViews(deps.db, [...byOrder.keys()]);
      const { writes, unapplied } = foldBatch(byOrder, new Map(rows.map((row) => [row.orderId, row])));
      await upsertOrderViewsIfNewer(deps.db, writes);
      return { leftOver: [...leftOver, ...unapplied] };
    } catch (error) {
      if (!isLostRace(error) || attempt >= maxAttempts) throw error;
    }
  }
}

/** Each order's next row, and the events of orders the batch cannot fold (a gap, or an inconsistent stream). */
function foldBatch<M extends OrderEventMessage>(
  byOrder: ReadonlyMap<string, M[]>,
  rows: ReadonlyMap<string, OrderViewRow>,
): { writes: OrderViewRow[]; unapplied: M[] } {
  const writes: OrderViewRow[] = [];
  const unapplied: M[] = [];
  for (const [orderId, events] of byOrder) {
    const row = rows.get(orderId) ?? null;
    const current = row?.version ?? 0;
    const next = new Map<number, M>();
    for (const message of events) if (message.streamVersion > current && !next.has(message.streamVersion)) next.set(message.streamVersion, message);
    if (next.size === 0) continue;
    const pending = [...next.values()].sort((a, b) => a.streamVersion - b.streamVersion);
    if (pending.some((message, index) => message.streamVersion !== current + 1 + index)) {
      unapplied.push(...events);
      continue;
    }
    try {
      const folded = foldOrderView(pending, row);
      if (folded) writes.push(folded);
    } catch (error) {
      if (!(error instanceof ProjectionError)) throw error;
      unapplied.push(...events);
    }
  }
  return { writes, unapplied };
}
