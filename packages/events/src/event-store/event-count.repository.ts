import type { Kysely } from 'kysely';
import type { EventStoreDatabase } from './mysql/event.table';

/**
 * How many events lie beyond `position` in global order, in either store (both keep `events` with a
 * `global_position`): progress totals for replays. The rows are counted, since PostgreSQL positions are
 * sparse (`transaction id * 1,000,000 + index`) and a difference of two positions says nothing there.
 * Counts events `readAll` may still hold back behind an open transaction: a total, not a promise of what
 * the next page returns.
 * @example await replayOrderView({ db, store, countEventsAfter: (position) => countEventsAfter(db, position) });
 */
export async function countEventsAfter<DB>(db: Kysely<DB>, position: bigint): Promise<number> {
  const events = db as unknown as Kysely<Pick<EventStoreDatabase, 'events'>>;
  const row = await events
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('global_position', '>', String(position))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
