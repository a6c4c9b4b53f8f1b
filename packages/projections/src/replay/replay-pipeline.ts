import type { EventStore } from '@delivery/events';
import type { Kysely } from 'kysely';
import { retryLostRaces } from '../order-view/mysql-errors';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';
import { upsertReplayedOrderViews } from './order-view-replay.repository';
import { OrderViewBatch } from './project-recorded-events';
import { RecentOrderViews } from './recent-order-views.cache';

/**
 * Events per `readAll` page. Batches are cut from and across pages: pages this size keep few objects alive
 * at once (a page of 5,000 made garbage collection Node's largest cost), while the read ahead hides their
 * round trips.
 */
const PAGE_SIZE = 1000;
/** Rows kept per generation of `RecentOrderViews` at least (about 1 KB each). */
const MIN_RECENT_ROWS = 20_000;

export interface CopyEventsOptions<DB> {
  db: Kysely<DB>;
  store: Pick<EventStore, 'readAll' | 'readStream'>;
  table: OrderViewTableName;
  /** The checkpoint to continue from (exclusive). */
  from: bigint;
  /** Events per transaction, checkpoint and `onCommitted` call. */
  batchSize: number;
  /** Saves the checkpoint in the transaction that writes the batch's rows. */
  saveCheckpoint: (trx: Kysely<DB>, position: bigint) => Promise<void>;
  /** After each commit, before the next batch is written; throwing stops the copy there. */
  onCommitted: (events: number, position: bigint) => void | Promise<void>;
}

/*
 * Why a pipeline: a replay that reads a page, projects it and then waits for its commit leaves both the
 * database and Node idle half the time. Here three things overlap, each one at a time:
 * - the next `readAll` page is read while the current one is folded into the batch;
 * - batch n+1 is projected (events validated and folded, unknown rows read) while batch n commits;
 * - batch n+1 is written only once batch n has committed and `onCommitted` has returned, so checkpoints
 *   still move forward one committed batch at a time and a crash loses at most the batch in flight.
 * Projecting n+1 before n has committed is safe because `RecentOrderViews` holds n's rows (see there).
 */

/**
 * Applies the events after `from` to `table`, batch by batch, each batch's rows and checkpoint in one
 * transaction, until `readAll` returns an empty page.
 * @returns the last committed checkpoint (`from` when there was nothing to read).
 */
export async function copyEventsToOrderView<DB>(options: CopyEventsOptions<DB>): Promise<bigint> {
  const { db, store, table, batchSize } = options;
  const recent = new RecentOrderViews(Math.max(batchSize, MIN_RECENT_ROWS));
  const batch = new OrderViewBatch({ db, store, table, recent });
  let position = options.from;

  const write = async (rows: readonly OrderViewRow[], end: bigint, events: number) => {
    // READ COMMITTED takes no gap locks, so the live projector's inserts do not queue behind a batch;
    // a lost race (deadlock) just repeats the batch, which is idempotent.
    await retryLostRaces(() =>
      db
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (trx) => {
          await upsertReplayedOrderViews(trx, table, rows);
          await options.saveCheckpoint(trx, end);
        }),
    );
    position = end;
    await options.onCommitted(events, end);
  };

  // A promise that fails while nothing awaits it yet must not count as unhandled: it is awaited later.
  const quiet = <T>(promise: Promise<T>) => (promise.catch(() => {}), promise);
  let reading = quiet(store.readAll(position, PAGE_SIZE));
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
    for (;;) {
      const page = await reading;
      if (page.events.length === 0) break;
      reading = quiet(store.readAll(page.nextPosition, PAGE_SIZE));
      for (let start = 0; start < page.events.length; ) {
        const take = Math.min(batchSize - inBatch, page.events.length - start);
        const events = take === page.events.length ? page.events : page.events.slice(start, start + take);
        start += take;
        await batch.add(events);
        inBatch += take;
        if (inBatch === batchSize) await flush(start === page.events.length ? page.nextPosition : (events.at(-1)?.globalPosition ?? page.nextPosition));
      }
      readTo = page.nextPosition;
    }
    if (inBatch > 0) await flush(readTo);
    await writing;
    return position;
  } finally {
    // Leave nothing running behind the caller, which may release the replay's lock next.
    await Promise.allSettled([reading, writing]);
  }
}
