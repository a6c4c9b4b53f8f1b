import type { Kysely } from 'kysely';
import type { EventStoreDatabase } from './event.table';

/** How many events lie beyond `position` in global order: progress totals for replays. */
export async function countEventsAfter<DB extends EventStoreDatabase>(db: Kysely<DB>, position: bigint): Promise<number> {
  const events = db as unknown as Kysely<EventStoreDatabase>;
  const row = await events
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('global_position', '>', String(position))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
