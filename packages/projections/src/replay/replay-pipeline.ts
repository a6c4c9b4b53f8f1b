import type { EventStore } from '@delivery/events';
import type { Kysely } from 'kysely';
import { retryLostRaces } from '../order-view/mysql-errors';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';
import { upsertReplayedOrderViews } from './order-view-replay.repository';
import { projectRecordedEvents } from './project-recorded-events';
import { RecentOrderViews } from './recent-order-views.cache';

/** Events per `readAll` page at least: long pages read close to a plain scan; batches are cut from them. */
const MIN_PAGE_SIZE = Number(process.env.XPAGE ?? 5000);
/** Rows kept per generation of `RecentOrderViews` at least (about 1 KB each). */
const MIN_RECENT_ROWS = Number(process.env.XRECENT ?? 20_000);

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
 * - the next `readAll` page is read while the current one is projected and written;
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
  const pageSize = Math.ceil(Math.max(batchSize, MIN_PAGE_SIZE) / batchSize) * batchSize;
  const recent = new RecentOrderViews(Math.max(batchSize, MIN_RECENT_ROWS));
  let position = options.from;

  const T = ((globalThis as any).__T ??= { read: 0, project: 0, write: 0, waitWrite: 0, waitRead: 0, upsert: 0, cp: 0 });
  const write = async (rows: readonly OrderViewRow[], end: bigint, events: number) => {
    const t0 = performance.now();
    // READ COMMITTED takes no gap locks, so the live projector's inserts do not queue behind a batch;
    // a lost race (deadlock) just repeats the batch, which is idempotent.
    await retryLostRaces(() =>
      db
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (trx) => {
          const a = performance.now();
          await upsertReplayedOrderViews(trx, table, rows);
          const b = performance.now();
          await options.saveCheckpoint(trx, end);
          T.upsert += b - a; T.cp += performance.now() - b;
        }),
    );
    T.write += performance.now() - t0;
    position = end;
    await options.onCommitted(events, end);
  };

  // A promise that fails while nothing awaits it yet must not count as unhandled: it is awaited later.
  const quiet = <T>(promise: Promise<T>) => (promise.catch(() => {}), promise);
  let reading = quiet(store.readAll(position, pageSize));
  let writing: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      let t = performance.now();
      const page = await reading;
      T.waitRead += performance.now() - t;
      if (page.events.length === 0) break;
      reading = quiet(store.readAll(page.nextPosition, pageSize));
      for (let start = 0; start < page.events.length; start += batchSize) {
        const events = page.events.slice(start, start + batchSize);
        const last = start + batchSize >= page.events.length;
        const end = last ? page.nextPosition : (events.at(-1)?.globalPosition ?? page.nextPosition);
        t = performance.now();
        const rows = await projectRecordedEvents(db, store, table, events, recent);
        recent.remember(rows);
        T.project += performance.now() - t; t = performance.now();
        await writing;
        T.waitWrite += performance.now() - t;
        writing = quiet(write(rows, end, events.length));
      }
    }
    await writing;
    return position;
  } finally {
    // Leave nothing running behind the caller, which may release the replay's lock next.
    await Promise.allSettled([reading, writing]);
  }
}
