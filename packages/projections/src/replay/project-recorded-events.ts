import { orderIdFromStreamId, orderStreamId, parseOrderEvent, type EventStore, type RecordedEvent } from '@delivery/events';
import type { Kysely } from 'kysely';
import { projectOrderView, type RecordedOrderEvent } from '../order-view/order-view.projection';
import { getOrderViews } from '../order-view/order-view.repository';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';
import type { RecentOrderViews } from './recent-order-views.cache';

const ORDER_PREFIX = 'order-';

/**
 * Folds a batch of stored events (any streams, in store order) into the rows of `table` they change,
 * with the live projector's rules: a version a row already has is skipped, a gap is filled from the store.
 * Each order's events are folded in memory and give one row per batch. Writes nothing: the caller upserts
 * the rows ("higher version wins") with its checkpoint.
 *
 * An order's starting row is not read from the table when the batch starts its stream (version 1) or
 * when `recent` has it: any row at version n is the fold of the stream's first n events, so folding on
 * from either gives the row the table would; if the table is further along, the guarded upsert keeps it.
 */
export async function projectRecordedEvents<DB>(
  db: Kysely<DB>,
  store: Pick<EventStore, 'readStream'>,
  table: OrderViewTableName,
  recorded: readonly RecordedEvent[],
  recent?: RecentOrderViews,
): Promise<OrderViewRow[]> {
  const byOrder = groupByOrder(recorded);
  const starts = new Map<string, OrderViewRow | null>();
  const unknown: string[] = [];
  for (const [orderId, events] of byOrder) {
    const known = events[0]?.streamVersion === 1 ? null : recent?.get(orderId);
    if (known === undefined) unknown.push(orderId);
    else starts.set(orderId, known);
  }
  for (const row of await getOrderViews(db, unknown, table)) starts.set(row.orderId, row);

  const changed: OrderViewRow[] = [];
  for (const [orderId, events] of byOrder) {
    const before = starts.get(orderId) ?? null;
    let row = before;
    for (const entry of events) {
      const current = row?.version ?? 0;
      if (entry.streamVersion <= current) continue;
      if (entry.streamVersion > current + 1) {
        for (const missing of await readVersions(store, orderStreamId(orderId), current + 1, entry.streamVersion - 1)) {
          row = projectOrderView(row, missing);
        }
      }
      row = projectOrderView(row, entry);
    }
    if (row && row !== before) changed.push(row);
  }
  return changed;
}

/** Each order's events of the batch, validated once each, in stream order. */
function groupByOrder(recorded: readonly RecordedEvent[]): Map<string, RecordedOrderEvent[]> {
  const byOrder = new Map<string, RecordedOrderEvent[]>();
  const unsorted = new Set<RecordedOrderEvent[]>();
  for (const entry of recorded) {
    // Other kinds of streams may share the store; this read model is about orders only.
    if (!entry.streamId.startsWith(ORDER_PREFIX)) continue;
    const orderId = orderIdFromStreamId(entry.streamId);
    const event = { streamVersion: entry.streamVersion, event: parseOrderEvent(entry.event) };
    const events = byOrder.get(orderId);
    if (!events) {
      byOrder.set(orderId, [event]);
      continue;
    }
    if ((events.at(-1)?.streamVersion ?? 0) > event.streamVersion) unsorted.add(events);
    events.push(event);
  }
  // Store order is stream order for any one stream; sorting is only a safety net for other stores.
  for (const events of unsorted) events.sort((a, b) => a.streamVersion - b.streamVersion);
  return byOrder;
}

async function readVersions(store: Pick<EventStore, 'readStream'>, streamId: string, from: number, to: number): Promise<RecordedOrderEvent[]> {
  const recorded = await store.readStream(streamId, { fromVersion: from, maxCount: to - from + 1 });
  return recorded.map((entry) => ({ streamVersion: entry.streamVersion, event: parseOrderEvent(entry.event) }));
}
