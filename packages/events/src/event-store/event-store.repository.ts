import type { AliasedRawBuilder, Kysely, Transaction } from 'kysely';
import type { StoredEventRef } from './append-rules';
import type { NewEvent, RecordedEvent } from './event-store';
import type { EventStoreDatabase } from './mysql/event.table';
import { type StoredEventRow, toRecordedEvent } from './recorded-event';

/*
 * The reads both stores make alike: their `streams` and `events` tables have the same columns (PostgreSQL
 * adds one to `events`), so these serve either. The caller's Kysely may know more tables than these.
 */
type SharedTables = Pick<EventStoreDatabase, 'streams' | 'events'>;
/** A database or a transaction (named apart: Kysely cannot infer `DB` of a transaction passed as a Kysely). */
type Queryable<DB> = Kysely<DB> | Transaction<DB>;
const sharedTables = <DB>(db: Queryable<DB>) => db as unknown as Kysely<SharedTables>;

/** A stream's current version; 0 when it does not exist. */
export async function readStreamVersion<DB>(db: Queryable<DB>, streamId: string): Promise<number> {
  const row = await sharedTables(db).selectFrom('streams').select('version').where('stream_id', '=', streamId).executeTakeFirst();
  return row ? Number(row.version) : 0;
}

/** How a store reads `global_position` as a decimal string: MySQL's driver hands it so, PostgreSQL casts its bigint. */
export type PositionAsText = 'global_position' | AliasedRawBuilder<string, 'global_position'>;

/**
 * The columns a `RecordedEvent` is made of, and no more: a replay reads millions of rows, and `recorded_at`
 * alone costs a Date each.
 */
export const recordedEventColumns = (position: PositionAsText) => [position, 'stream_id', 'stream_version', 'event_type', 'data', 'metadata'] as const;

/** One stream's events from `fromVersion` on (1 unless told), in order, at most `maxCount`. */
export async function readStreamEvents<DB>(
  db: Kysely<DB>,
  streamId: string,
  { fromVersion = 1, maxCount }: { fromVersion?: number; maxCount?: number },
  position: PositionAsText,
): Promise<RecordedEvent[]> {
  let query = sharedTables(db)
    .selectFrom('events')
    .select(recordedEventColumns(position))
    .where('stream_id', '=', streamId)
    .where('stream_version', '>=', fromVersion)
    .orderBy('stream_version');
  if (maxCount !== undefined) query = query.limit(maxCount);
  return (await query.execute()).map((row) => toRecordedEvent(row as StoredEventRow));
}

/** Which of `events` (by event id) are stored already, and where. */
export async function findStoredEvents<DB>(db: Queryable<DB>, events: readonly NewEvent[]): Promise<StoredEventRef[]> {
  return sharedTables(db)
    .selectFrom('events')
    .select(['event_id', 'stream_id', 'stream_version'])
    .where(
      'event_id',
      'in',
      events.map((event) => event.metadata.eventId),
    )
    .execute();
}

/**
 * How many events lie beyond `position` in global order, in either store (both keep `events` with a
 * `global_position`): progress totals for replays. The rows are counted, since PostgreSQL positions are
 * sparse (`transaction id * 1,000,000 + index`) and a difference of two positions says nothing there.
 * Counts events `readAll` may still hold back behind an open transaction: a total, not a promise of what
 * the next page returns.
 * @example await replayOrderView({ db, store, countEventsAfter: (position) => countEventsAfter(db, position) });
 */
export async function countEventsAfter<DB>(db: Kysely<DB>, position: bigint): Promise<number> {
  const row = await sharedTables(db)
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('global_position', '>', String(position))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
