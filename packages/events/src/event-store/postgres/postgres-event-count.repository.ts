import type { Kysely } from 'kysely';
import type { PostgresEventStoreDatabase } from './postgres-event.table';

/**
 * How many events of the PostgreSQL (or PGlite) store lie beyond `position` in global order: progress
 * totals for replays. Positions there are sparse (`transaction id * 1,000,000 + index`), so the rows are
 * counted; the difference of two positions says nothing. Counts events that `readAll` may still hold back
 * behind an open transaction: a total, not a promise of what the next page returns.
 * @example await replayOrderView({ db, store, countEventsAfter: (position) => countPostgresEventsAfter(db, position) });
 */
export async function countPostgresEventsAfter<DB>(db: Kysely<DB>, position: bigint): Promise<number> {
  const events = db as unknown as Kysely<PostgresEventStoreDatabase>;
  const row = await events
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('global_position', '>', String(position))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
