import { orderStreamId, retryLostRaces, systemClock, type Clock, type EventStore } from '@delivery/events';
import type { Kysely } from 'kysely';
import type { OrderViewTableName } from '../order-view/order-view.table';
import {
  createEmptyNextTable,
  deleteCheckpoint,
  dropOrderViewTable,
  findOrdersAheadInOldTable,
  readCheckpoint,
  saveCheckpoint,
  swapInNextTable,
  tableExists,
  upsertReplayedOrderViews,
} from './order-view-replay.repository';
import { addLiveIndexesToNextTable } from './next-table-indexes.repository';
import { projectRecordedEvents } from './project-recorded-events';
import { copyEventsToOrderView } from './replay-pipeline';
import { createProgressMeter, type ReplayProgress } from './replay-progress';
import { withNamedLock } from './replay-session.repository';
import { UnreadableEvents, type SkippedEvent } from './unreadable-events';

export { REPLAY_PAGE_SIZE } from './replay-pipeline';

/*
 * How the read model is rebuilt while it keeps serving (blue/green).
 *
 * 1. Rebuild: `order_view_next` (created LIKE `order_view`, its secondary indexes built only once it is
 *    full, before the switch) is filled from `streamAll`, one transaction per
 *    batch that writes the rows *and* the checkpoint `projection_checkpoints['order_view_replay']`. A crash
 *    loses at most the uncommitted batch; the next run resumes from the checkpoint. Reading, projecting
 *    and writing overlap (replay-pipeline.ts), the batches still commit one after the other. Meanwhile
 *    queries and the live projector keep using `order_view`, untouched.
 * 2. Switch: one `RENAME TABLE order_view TO order_view_old, order_view_next TO order_view` on MySQL, two
 *    `ALTER TABLE ... RENAME` in one transaction on PostgreSQL. Either is atomic, so a query sees one
 *    table or the other, never none; it waits for transactions on `order_view` to end and holds new ones
 *    back only for the instant of the rename.
 * 3. Catch-up: from the switch on, the live projector writes to the new table. What it wrote to the old
 *    one while the rebuild ran is still missing from the new one if it came after the checkpoint, so the
 *    rest of `streamAll` (checkpoint to head) is applied to the new table with the live projector's version
 *    rules. Both writers may touch the same row now; that is safe because a row at version n is a pure
 *    fold of its stream's first n events, so "the higher version wins" (a guarded upsert here, a version
 *    check under the row lock there) keeps whichever is further along, and neither can regress it.
 * 4. Reconcile: every order still further along in the old table than in the new one (an event the live
 *    projector saw that `streamAll` did not yet show, whatever the store's ordering guarantees) is read
 *    with `readStream` and brought up to date. Then the checkpoint is deleted and the old table dropped.
 *
 * A crash after the switch leaves the checkpoint and `order_view_old`: the next run finishes 3 and 4.
 */

const REPLAY = 'order_view_replay';
/** Fewer, longer transactions: fewer commits and round trips, while one batch stays a few MB of SQL. */
export const REPLAY_DEFAULT_BATCH_SIZE = 5000;
const RECONCILE_CHUNK = 100;

export interface ReplayOrderViewOptions<DB> {
  db: Kysely<DB>;
  /** A store that can count cheaply (`countEventsAfter`) gives progress a total without the option below. */
  store: Pick<EventStore, 'streamAll' | 'readStream'> & { countEventsAfter?: (position: bigint) => Promise<number> };
  /**
   * Events per transaction, checkpoint and `onProgress` call (default `REPLAY_DEFAULT_BATCH_SIZE`).
   * `streamAll` hands over `REPLAY_PAGE_SIZE` events at a time whatever this is.
   */
  batchSize?: number;
  /** Called after each committed batch; throwing from it stops the replay (it resumes next time). */
  onProgress?: (progress: ReplayProgress) => void | Promise<void>;
  /**
   * How many events lie beyond a position, for `total` and `etaSeconds`; without it (or the store's) they
   * stay unset. `countEventsAfter(db, p)` from @delivery/events counts either store.
   */
  countEventsAfter?: (position: bigint) => Promise<number>;
  /** Discard an unfinished rebuild and start from the first event (an unfinished switch is finished first). */
  restart?: boolean;
  /**
   * Leave out stored events that cannot be read (and the later events of their orders), reporting them in
   * `skipped`, instead of stopping at the first with an `UnreadableEventError` naming it (the default).
   */
  skipUnreadable?: boolean;
  clock?: Clock;
}

export interface ReplayOrderViewResult {
  /** Null for a fresh rebuild, else the checkpoint an interrupted one resumed from. */
  resumedFrom: bigint | null;
  /** Events read from the store by this run. */
  processed: number;
  /** Orders brought up to date from the old table's versions after the switch. */
  reconciled: number;
  /** The global position the read model reflects. */
  position: bigint;
  /** With `skipUnreadable`: the events left out, in the order met. */
  skipped: SkippedEvent[];
}

/**
 * Rebuilds the order read model from the event store and switches it in without stopping queries;
 * resumable after a crash (see the comment above).
 * @throws Error when another replay holds the lock.
 * @example await replayOrderView({ db, store, onProgress: (p) => bar.update(p.processed, p) });
 */
export async function replayOrderView<DB>(options: ReplayOrderViewOptions<DB>): Promise<ReplayOrderViewResult> {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? REPLAY_DEFAULT_BATCH_SIZE;
  const countEventsAfter = options.countEventsAfter ?? options.store.countEventsAfter?.bind(options.store);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`invalid batch size: ${batchSize}`);

  const unreadable = new UnreadableEvents(options.skipUnreadable ?? false);
  return withNamedLock(db, REPLAY, async (session) => {
    const checkpoint = await readCheckpoint(db, REPLAY);
    const hasNext = await tableExists(db, 'order_view_next');
    const hasOld = await tableExists(db, 'order_view_old');
    let resumedFrom: bigint | null = null;
    let processed = 0;
    let reconciled = 0;

    const copy = (table: OrderViewTableName, phase: ReplayProgress['phase'], from: bigint, meter: ReturnType<typeof createProgressMeter>) =>
      copyEventsToOrderView({
        db,
        session,
        store: options.store,
        table,
        from,
        batchSize,
        saveCheckpoint: (trx, position) => saveCheckpoint(trx, REPLAY, position, clock.now()),
        unreadable,
        onCommitted: async (events, position) => {
          processed += events;
          await options.onProgress?.(meter(phase, events, position));
        },
      });

    const finishSwitch = async (from: bigint, meter: ReturnType<typeof createProgressMeter>) => {
      const position = await copy('order_view', 'catch-up', from, meter);
      reconciled += await reconcileWithOldTable(db, options.store, unreadable);
      // Checkpoint first: a crash in between leaves only a stale old table, which the next run drops.
      await deleteCheckpoint(db, REPLAY);
      await dropOrderViewTable(db, 'order_view_old');
      return position;
    };

    if (checkpoint !== null && !hasNext && hasOld) {
      resumedFrom = checkpoint;
      const meter = createProgressMeter(clock, await countEventsAfter?.(checkpoint));
      const position = await finishSwitch(checkpoint, meter);
      if (!options.restart) return { resumedFrom, processed, reconciled, position, skipped: unreadable.skipped };
      resumedFrom = null;
    }

    let from = 0n;
    if (checkpoint !== null && hasNext && !options.restart) {
      from = checkpoint;
      resumedFrom = checkpoint;
    } else {
      // In this order, so that a crash at any step leaves either no checkpoint or checkpoint 0 over an empty table.
      await deleteCheckpoint(db, REPLAY);
      await dropOrderViewTable(db, 'order_view_old');
      await createEmptyNextTable(db);
      await saveCheckpoint(db, REPLAY, 0n, clock.now());
    }
    const meter = createProgressMeter(clock, await countEventsAfter?.(from));
    const rebuilt = await copy('order_view_next', 'rebuild', from, meter);
    await addLiveIndexesToNextTable(db);
    await swapInNextTable(db);
    const position = await finishSwitch(rebuilt, meter);
    return { resumedFrom, processed, reconciled, position, skipped: unreadable.skipped };
  });
}

/** Brings every order the old table has further along up to that point (at least) from the store. */
async function reconcileWithOldTable<DB>(db: Kysely<DB>, store: Pick<EventStore, 'readStream'>, unreadable: UnreadableEvents): Promise<number> {
  const ahead = await findOrdersAheadInOldTable(db);
  for (let start = 0; start < ahead.length; start += RECONCILE_CHUNK) {
    const chunk = ahead.slice(start, start + RECONCILE_CHUNK);
    const recorded = (await Promise.all(chunk.map(({ orderId }) => store.readStream(orderStreamId(orderId))))).flat();
    const rows = await projectRecordedEvents(db, store, 'order_view', recorded, unreadable);
    await retryLostRaces(() => upsertReplayedOrderViews(db, 'order_view', rows));
  }
  return ahead.length;
}
