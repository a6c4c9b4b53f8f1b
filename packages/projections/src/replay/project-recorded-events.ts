import { orderIdFromStreamId, orderStreamId, type EventStore, type RecordedEvent } from '@delivery/events';
import type { Kysely } from 'kysely';
import { projectOrderView, type RecordedOrderEvent } from '../order-view/order-view.projection';
import { getOrderViews } from '../order-view/order-view.repository';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';
import type { RecentOrderViews } from './recent-order-views.cache';
import { UnreadableEvents } from './unreadable-events';

const ORDER_PREFIX = 'order-';

export interface OrderViewBatchOptions<DB> {
  db: Kysely<DB>;
  /** Where the events of a gap are read from. */
  store: Pick<EventStore, 'readStream'>;
  table: OrderViewTableName;
  /** Rows written by earlier batches, read instead of the table (see `RecentOrderViews`). */
  recent?: RecentOrderViews;
  /** What to do with events that cannot be read (default: stop at the first, naming it). */
  unreadable?: UnreadableEvents;
}

interface Folded {
  row: OrderViewRow | null;
  changed: boolean;
}

/**
 * Folds stored events (any streams, in store order, given a page at a time) into the rows of `table`
 * they change, with the live projector's rules: a version a row already has is skipped, a gap is filled
 * from the store. An order gives one row per batch however many of its events the batch holds. Writes
 * nothing: the caller upserts `take()`'s rows ("higher version wins") with its checkpoint.
 *
 * Where an order's fold starts: its row in this batch; else nothing when the batch starts its stream
 * (version 1); else `recent`; else the table. Any row at version n is the fold of its stream's first n
 * events, so all of these give the row the table would; if the table is further along, the guarded
 * upsert keeps the table's.
 */
export class OrderViewBatch<DB> {
  private readonly folded = new Map<string, Folded>();
  private readonly unreadable: UnreadableEvents;

  constructor(private readonly options: OrderViewBatchOptions<DB>) {
    this.unreadable = options.unreadable ?? new UnreadableEvents(false);
  }

  /** Folds the next events of the batch in; each event is validated once. */
  async add(recorded: readonly RecordedEvent[]): Promise<void> {
    const byOrder = groupByOrder(recorded, this.unreadable);
    const unknown: string[] = [];
    for (const [orderId, events] of byOrder) {
      if (this.folded.has(orderId)) continue;
      const known = events[0]?.streamVersion === 1 ? null : this.options.recent?.get(orderId);
      if (known === undefined) unknown.push(orderId);
      else this.folded.set(orderId, { row: known, changed: false });
    }
    const { db, table } = this.options;
    for (const row of await getOrderViews(db, unknown, table)) this.folded.set(row.orderId, { row, changed: false });

    for (const [orderId, events] of byOrder) {
      const folded = this.folded.get(orderId) ?? { row: null, changed: false };
      for (const entry of events) {
        const current = folded.row?.version ?? 0;
        if (entry.streamVersion <= current) continue;
        if (entry.streamVersion > current + 1) {
          const missing = await this.readVersions(orderId, current + 1, entry.streamVersion - 1);
          for (const event of missing) folded.row = projectOrderView(folded.row, event);
          if (missing.length > 0) folded.changed = true;
          // A skipped event in the gap (reported there): the order stays where its readable events took it.
          if (this.unreadable.isBroken(orderId)) break;
        }
        folded.row = projectOrderView(folded.row, entry);
        folded.changed = true;
      }
      this.folded.set(orderId, folded);
    }
  }

  /** The rows the events added so far changed; the batch starts empty again. */
  take(): OrderViewRow[] {
    const rows: OrderViewRow[] = [];
    for (const { row, changed } of this.folded.values()) if (changed && row) rows.push(row);
    this.folded.clear();
    return rows;
  }

  private async readVersions(orderId: string, from: number, to: number): Promise<RecordedOrderEvent[]> {
    const recorded = await this.options.store.readStream(orderStreamId(orderId), { fromVersion: from, maxCount: to - from + 1 });
    const events: RecordedOrderEvent[] = [];
    for (const entry of recorded) {
      const event = this.unreadable.parse(entry);
      if (event === null) break;
      events.push({ streamVersion: entry.streamVersion, event });
    }
    return events;
  }
}

/** Folds one batch of stored events into the rows of `table` they change (see `OrderViewBatch`). */
export async function projectRecordedEvents<DB>(
  db: Kysely<DB>,
  store: Pick<EventStore, 'readStream'>,
  table: OrderViewTableName,
  recorded: readonly RecordedEvent[],
  unreadable?: UnreadableEvents,
): Promise<OrderViewRow[]> {
  const batch = new OrderViewBatch({ db, store, table, unreadable });
  await batch.add(recorded);
  return batch.take();
}

/** Each order's events, validated, in stream order; those `unreadable` skips are left out. */
function groupByOrder(recorded: readonly RecordedEvent[], unreadable: UnreadableEvents): Map<string, RecordedOrderEvent[]> {
  const byOrder = new Map<string, RecordedOrderEvent[]>();
  const unsorted = new Set<RecordedOrderEvent[]>();
  for (const entry of recorded) {
    // Other kinds of streams may share the store; this read model is about orders only.
    if (!entry.streamId.startsWith(ORDER_PREFIX)) continue;
    const orderId = orderIdFromStreamId(entry.streamId);
    const parsed = unreadable.parse(entry);
    if (parsed === null) continue;
    const event = { streamVersion: entry.streamVersion, event: parsed };
    const events = byOrder.get(orderId);
    if (!events) {
      byOrder.set(orderId, [event]);
      continue;
    }
    if ((events.at(-1)?.streamVersion ?? 0) > event.streamVersion) unsorted.add(events);
    events.push(event);
  }
  // Store order is stream order within a stream; sorting is only a safety net for other stores.
  for (const events of unsorted) events.sort((a, b) => a.streamVersion - b.streamVersion);
  return byOrder;
}
