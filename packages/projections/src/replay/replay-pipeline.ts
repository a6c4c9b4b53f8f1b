import { retryLostRaces, type EventStore } from '@delivery/events';
import type { Kysely } from 'kysely';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';
import { canLoadRebuiltOrderViews, loadRebuiltOrderViews, LoadWarningsError, upsertReplayedOrderViews } from './order-view-replay.repository';
import { withBatchConnection, type RunBatch } from './replay-session.repository';
import { OrderViewBatch } from './project-recorded-events';
import { RecentOrderViews } from './recent-order-views.cache';
import type { UnreadableEvents } from './unreadable-events';

/**
 * Events per chunk of `streamAll`. Batches are cut from and across chunks: chunks this size keep few
 * objects alive at once (pages of 5,000 made garbage collection Node's largest cost).
 */
export const REPLAY_PAGE_SIZE = 1000;

export interface CopyEventsOptions<DB> {
  /** Reads rows of `table` that earlier batches did not leave in memory. */
  db: Kysely<DB>;
  /** Where the batch transactions run (default: a connection of `db` held for the whole copy). */
  session?: Kysely<DB>;
  store: Pick<EventStore, 'streamAll' | 'readStream'>;
  table: OrderViewTableName;
  /** The checkpoint to continue from (exclusive). */
  from: bigint;
  /** Events per transaction, checkpoint and `onCommitted` call. */
  batchSize: number;
  /** Events per chunk of `streamAll` (default `REPLAY_PAGE_SIZE`). */
  pageSize?: number;
  /** Saves the checkpoint in the transaction that writes the batch's rows. */
  saveCheckpoint: (trx: Kysely<DB>, position: bigint) => Promise<void>;
  /** After each commit, before the next batch is written; throwing stops the copy there. */
  onCommitted: (events: number, position: bigint) => void | Promise<void>;
  /** What to do with events that cannot be read (default: stop at the first, naming it). */
  unreadable?: UnreadableEvents;
}

/*
 * Why a pipeline: a replay that reads a page, projects it and then waits for its commit leaves both the
 * database and Node idle half the time. Here three things overlap, each one at a time:
 * - the next events are read (`streamAll` reads a few chunks ahead) while the current chunk is folded;
 * - batch n+1 is projected (events validated and folded, unknown rows read) while batch n commits;
 * - batch n+1 is written only once batch n has committed and `onCommitted` has returned, so checkpoints
 *   still move forward one committed batch at a time and a crash loses at most the batch in flight.
 * Projecting n+1 before n has committed is safe because `RecentOrderViews` holds n's rows (see there).
 */

/**
 * Applies the events after `from` to `table`, `batchSize` events per transaction that also saves the
 * checkpoint, until `streamAll` has read to the end.
 * @returns the last committed checkpoint (`from` when there was nothing to read).
 * @example const position = await copyEventsToOrderView({ db, store, table: 'order_view_next', from: 0n, batchSize: 5000, saveCheckpoint, onCommitted });
 */
export async function copyEventsToOrderView<DB>(options: CopyEventsOptions<DB>): Promise<bigint> {
  const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`invalid page size: ${pageSize}`);
  return withBatchConnection(options.session ?? options.db, (runBatch) => copyEvents(options, pageSize, runBatch));
}

async function copyEvents<DB>(options: CopyEventsOptions<DB>, pageSize: number, runBatch: RunBatch<DB>): Promise<bigint> {
  const { db, store, table, batchSize } = options;
  // One batch's rows per generation, the least that is safe (see there): every row kept longer outlives
  // young-generation collections, and an order whose events lie further apart is read back in one query.
  const recent = new RecentOrderViews(batchSize);
  const batch = new OrderViewBatch({ db, store, table, recent, unreadable: options.unreadable });
  let position = options.from;

  // The rebuilt table has one writer before the switch: it takes whole files (order-view-infile.ts).
  const load = table === 'order_view_next' && (await canLoadRebuiltOrderViews(db));
  const commit = (rows: readonly OrderViewRow[], end: bigint, loading: boolean) =>
    // A lost race (deadlock with the live projector) just repeats the batch, which is idempotent.
    retryLostRaces(() =>
      runBatch(async (trx) => {
        if (loading) await loadRebuiltOrderViews(trx, rows);
        else await upsertReplayedOrderViews(trx, table, rows);
        await options.saveCheckpoint(trx, end);
      }),
    );
  const write = async (rows: readonly OrderViewRow[], end: bigint, events: number) => {
    try {
      await commit(rows, end, load);
    } catch (error) {
      // Rolled back: the upserts write the same rows, or fail on the value the load would have changed.
      if (!(error instanceof LoadWarningsError)) throw error;
      await commit(rows, end, false);
    }
    position = end;
    await options.onCommitted(events, end);
  };

  // A promise that fails before anything awaits it must not count as unhandled: it is awaited later.
  const quiet = <T>(promise: Promise<T>) => (promise.catch(() => {}), promise);
  let writing: Promise<void> = Promise.resolve();
  let inBatch = 0;
  let readTo = position;

  const flush = async (end: bigint) => {
    const rows = batch.take();
    recent.remember(rows);
    const events = inBatch;
    inBatch = 0;
    await writing;
    writing = quiet(write(rows, end, events));
  };

  try {
    // Leaving this loop (a failure here or in a write) stops the read and releases its connection.
    for await (const chunk of store.streamAll(position, pageSize)) {
      for (let start = 0; start < chunk.events.length; ) {
        const take = Math.min(batchSize - inBatch, chunk.events.length - start);
        const events = take === chunk.events.length ? chunk.events : chunk.events.slice(start, start + take);
        start += take;
        await batch.add(events);
        inBatch += take;
        if (inBatch === batchSize) {
          await flush(start === chunk.events.length ? chunk.nextPosition : (events.at(-1)?.globalPosition ?? chunk.nextPosition));
        }
      }
      readTo = chunk.nextPosition;
    }
    if (inBatch > 0) await flush(readTo);
    await writing;
    return position;
  } finally {
    // Leave nothing running behind the caller, which releases the replay's lock next.
    await writing.catch(() => {});
  }
}
