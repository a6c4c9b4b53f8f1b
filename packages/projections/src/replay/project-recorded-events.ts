import { orderIdFromStreamId, orderStreamId, parseOrderEvent, type EventStore, type RecordedEvent } from '@delivery/events';
import type { Kysely } from 'kysely';
import { projectOrderView, type RecordedOrderEvent } from '../order-view/order-view.projection';
import { getOrderViews } from '../order-view/order-view.repository';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';

const ORDER_STREAM = /^order-/;

/**
 * Folds a batch of stored events (any streams, in store order) into the rows of `table` they change,
 * with the live projector's rules: a version a row already has is skipped, a gap is filled from the store.
 * Writes nothing: the caller upserts the rows ("higher version wins") with its checkpoint.
 */
export async function projectRecordedEvents<DB>(
  db: Kysely<DB>,
  store: Pick<EventStore, 'readStream'>,
  table: OrderViewTableName,
  recorded: readonly RecordedEvent[],
): Promise<OrderViewRow[]> {
  // Other kinds of streams may share the store; this read model is about orders only.
  const byOrder = new Map<string, RecordedOrderEvent[]>();
  for (const entry of recorded) {
    if (!ORDER_STREAM.test(entry.streamId)) continue;
    const orderId = orderIdFromStreamId(entry.streamId);
    const events = byOrder.get(orderId) ?? [];
    events.push({ streamVersion: entry.streamVersion, event: parseOrderEvent(entry.event) });
    byOrder.set(orderId, events);
  }
  const stored = await getOrderViews(db, [...byOrder.keys()], table);
  const rows = new Map(stored.map((row) => [row.orderId, row]));
  const changed: OrderViewRow[] = [];
  for (const [orderId, events] of byOrder) {
    const before = rows.get(orderId) ?? null;
    let row = before;
    for (const entry of events.sort((a, b) => a.streamVersion - b.streamVersion)) {
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

async function readVersions(store: Pick<EventStore, 'readStream'>, streamId: string, from: number, to: number): Promise<RecordedOrderEvent[]> {
  const recorded = await store.readStream(streamId, { fromVersion: from, maxCount: to - from + 1 });
  return recorded.map((entry) => ({ streamVersion: entry.streamVersion, event: parseOrderEvent(entry.event) }));
}
