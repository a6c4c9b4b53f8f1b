import { type Kysely, sql } from 'kysely';
import { type Clock, systemClock } from '../../shared/clock';
import { isLostRace } from '../../db/lost-races';
import { delay } from '../../shared/backoff';
import { ConflictError } from '../../shared/errors';
import { type Logger, silentLogger } from '../../shared/logger';
import type { AppendResult, EventStore, ExpectedVersion, NewEvent, ReadAllResult, RecordedEvent } from '../event-store';
import { assertExpectedVersion, resolveStored, validateAppend, versionMatches } from '../append-rules';
import { toRecordedEvent, type StoredEventRow } from '../recorded-event';
import { findStoredEvents, readStreamEvents, readStreamVersion } from '../event-store.repository';
import { readAllPages } from '../read-all-pages';
import { POSITIONS_PER_TRANSACTION } from './migrations/0001-postgres-event-store.migration';
import type { PostgresEventStoreDatabase } from './postgres-event.table';

export interface PostgresEventStoreOptions<DB> {
  /** A Kysely over a pg pool (not a transaction) whose database holds the tables of `migratePostgresEventStore`. */
  db: Kysely<DB>;
  /** Stamps `recorded_at` and the outbox's `created_at`. */
  clock?: Clock;
  /** How often an append that loses a race (deadlock, duplicate key) is retried before it reports a conflict. */
  maxAttempts?: number;
  /**
   * How long `readAll` waits, when it has nothing to return, for open transactions that hold committed
   * events back (see below) before it returns the empty page.
   */
  heldBackWaitMs?: number;
  /** Lost races are logged at debug level. */
  logger?: Logger;
}

/*
 * How `readAll` never skips an event that commits late.
 *
 * A position taken from a sequence at INSERT time becomes visible at COMMIT time, so with concurrent
 * appends position 11 can be visible while 10 is not yet: a reader that saw 11 and moved past 10 would
 * never see 10. MySQL's store serialises appends on a counter row to avoid it; PostgreSQL can tell
 * instead which transactions may still commit (the approach of Emmett's PostgreSQL store):
 *
 * 1. Every event stores the id of the transaction that wrote it (`transaction_id`, xid8 from
 *    `pg_current_xact_id()`); transaction ids never repeat and only grow.
 * 2. A snapshot's xmin (`pg_snapshot_xmin(pg_current_snapshot())`) is the oldest transaction still
 *    running: anything below it has committed or aborted for good. So events below it, read in
 *    (transaction_id, position) order, are a prefix that can never gain a member.
 *
 * Two refinements, because the interface's cursor is one bigint that must grow in read order:
 * - the position *is* the order: `global_position = transaction_id * 1_000_000 + index in the append`
 *   (a CHECK keeps them in step). Ordering by position is ordering by (transaction_id, index), and
 *   "transaction below the horizon" is the index range `global_position < horizon * 1_000_000`.
 *   Appends run concurrently with no shared counter, at the cost of sparse, large positions.
 * - the horizon is the oldest transaction still running *that could write here*: the snapshot's
 *   in-progress list minus transactions of sessions connected to other databases (they cannot touch
 *   this table), else the snapshot's xmax. A busy neighbour database then holds no reader back.
 *   A transaction not positively placed elsewhere (a prepared one, a hidden session) counts as ours.
 *
 * The snapshot and the rows come from the same statement, so no commit can fall between them. An
 * event held back by an open transaction is returned once it ends; an empty page that hides committed
 * events (a reader right behind an append) waits for that, bounded by `heldBackWaitMs`, so "empty"
 * still means "read to the end" for replays. Any transaction left open in this database holds readers
 * back meanwhile: keep writes short.
 *
 * Appends: one statement does all of it (an implicit transaction of its own): a conditional upsert
 * of the stream row checks the expected version and takes the row's lock, and the events and outbox
 * rows are inserted from its result. Concurrent appends to one stream queue on that row lock and each
 * re-checks the committed version; appends to different streams do not wait for each other.
 */

/** Thrown inside an attempt when the stream moved into the expected state just after the check. */
class RetryAppend extends Error {}

/**
 * The event store on PostgreSQL 13+, with the MySQL store's guarantees (see the comment above for how
 * global order is kept). Events come back raw (`NewEvent`, any schema version): parse them with
 * `parseOrderEvent` or read through `readOrderStream`.
 * @example
 * const db = createPostgresDb(url);
 * await migratePostgresEventStore(db);
 * const store = createPostgresEventStore({ db });
 * await store.appendToStream(orderStreamId(orderId), [placed], { expectedVersion: 'no_stream' });
 */
export function createPostgresEventStore<DB>(options: PostgresEventStoreOptions<DB>): EventStore {
  // The caller's Kysely may know more tables than ours; the store only touches its own.
  const db = options.db as unknown as Kysely<PostgresEventStoreDatabase>;
  const clock = options.clock ?? systemClock;
  const maxAttempts = options.maxAttempts ?? 8;
  const heldBackWaitMs = options.heldBackWaitMs ?? 5_000;
  const logger = options.logger ?? silentLogger;

  async function appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    { expectedVersion = 'any' }: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    validateAppend(streamId, events, expectedVersion, { maxEvents: POSITIONS_PER_TRANSACTION });
    if (events.length === 0) {
      const current = await readStreamVersion(db, streamId);
      assertExpectedVersion(streamId, expectedVersion, current);
      return { nextExpectedVersion: current, alreadyStored: false };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await appendOnce(streamId, events, expectedVersion, attempt > 1);
      } catch (error) {
        if (!(error instanceof RetryAppend) && !isLostRace(error)) throw error;
        logger.debug({ streamId, attempt, code: codeOf(error) }, 'append lost a race');
        if (attempt >= maxAttempts) {
          const current = await readStreamVersion(db, streamId);
          throw new ConflictError(`stream ${streamId} is contended (at version ${current}); retry the command`, current);
        }
        // The retry re-checks everything: a duplicate event id then reads as an idempotent retry.
        await delay(Math.random() * 3 * attempt).promise;
      }
    }
  }

  async function appendOnce(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion, checkStoredFirst: boolean): Promise<AppendResult> {
    // Only a failed check or a lost race can mean "already stored", so the happy path skips this read.
    if (checkStoredFirst) {
      const stored = await findStoredEvents(db, events);
      if (stored.length > 0) return resolveStored(streamId, events, stored, await readStreamVersion(db, streamId));
    }
    const appended = await appendStatement(streamId, events, expectedVersion, clock.now()).execute(db);
    const version = appended.rows[0]?.version;
    if (version !== undefined) return { nextExpectedVersion: Number(version), alreadyStored: false };

    // The check failed: nothing was written. Read the committed state to say why.
    const current = await readStreamVersion(db, streamId);
    const stored = await findStoredEvents(db, events);
    if (stored.length > 0) return resolveStored(streamId, events, stored, current);
    if (versionMatches(expectedVersion, current)) throw new RetryAppend(); // e.g. created just after the check
    assertExpectedVersion(streamId, expectedVersion, current);
    throw new Error('unreachable: the expected version both failed and held');
  }

  async function readStream(streamId: string, range: { fromVersion?: number; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    return readStreamEvents(db, streamId, range, sql<string>`global_position::text`.as('global_position'));
  }

  async function readAll(fromPosition: bigint, batchSize: number): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`invalid batch size: ${batchSize}`);
    const deadline = Date.now() + heldBackWaitMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      const { rows } = await readAllStatement(fromPosition, batchSize).execute(db);
      const events = rows.flatMap((row) => (row.global_position === null ? [] : [toRecordedEvent(row as StoredEventRow)]));
      const heldBack = rows[0]?.held_back === true;
      if (events.length > 0 || !heldBack || Date.now() >= deadline) {
        return { events, nextPosition: events.at(-1)?.globalPosition ?? fromPosition };
      }
      // Committed events wait behind a transaction that is still open: nothing to await but its end.
      await delay(pause).promise;
    }
  }

  // Pages, read one ahead: each settles its own horizon (see above), and Kysely streams PostgreSQL only
  // through pg-cursor, which neither pg's pool here nor PGlite is given.
  const streamAll = (fromPosition: bigint, pageSize: number) => readAllPages(readAll, fromPosition, pageSize);

  return { appendToStream, readStream, readAll, streamAll };
}

/*
 * The append in one statement. `stream` settles the stream row under the expected version: it returns
 * the new version, or no row when the check fails, and then the inserts below it insert nothing.
 * A missing stream is version 0, so only modes that accept 0 may create the row.
 */
function appendStatement(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion, now: Date) {
  const count = events.length;
  const stream =
    expected === 'any' || expected === 'no_stream' || expected === 0
      ? sql`insert into streams as s (stream_id, version) values (${streamId}, ${count})
            on conflict (stream_id) do update set version = s.version + ${count}
            ${expected === 'any' ? sql`` : sql`where s.version = 0`}
            returning version`
      : sql`update streams set version = version + ${count}
            where stream_id = ${streamId} and ${expected === 'stream_exists' ? sql`version > 0` : sql`version = ${expected}`}
            returning version`;
  const column = <T>(pick: (event: NewEvent) => T) => events.map(pick);
  return sql<{ version: number }>`
    with stream as (${stream}),
    appended as (
      select stream.version - ${count}::int + e.ordinal::int as stream_version, e.*
      from stream,
        unnest(
          ${column((event) => event.metadata.eventId)}::text[],
          ${column((event) => event.type)}::text[],
          ${column((event) => JSON.stringify(event.data))}::text[],
          ${column((event) => JSON.stringify(event.metadata))}::text[],
          ${column((event) => event.metadata.correlationId)}::text[],
          ${column((event) => JSON.stringify({ type: event.type, data: event.data, metadata: event.metadata }))}::text[]
        ) with ordinality as e(event_id, event_type, data, metadata, correlation_id, payload, ordinal)
    ),
    stored_events as (
      insert into events (global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at)
      select pg_current_xact_id()::text::bigint * ${sql.lit(POSITIONS_PER_TRANSACTION)} + ordinal - 1,
             ${streamId}, stream_version, event_id, event_type, data, metadata, ${now}::timestamptz
      from appended
    ),
    stored_outbox as (
      insert into outbox (event_id, stream_id, stream_version, event_type, correlation_id, payload, created_at)
      select event_id, ${streamId}, stream_version, event_type, correlation_id, payload, ${now}::timestamptz
      from appended order by ordinal
    )
    select version from stream`;
}

type ReadAllRow = { [K in keyof StoredEventRow]: StoredEventRow[K] | null } & { held_back: boolean };

/*
 * One page of readAll plus whether committed events lie beyond the horizon (see the comment at the top).
 * The LEFT JOIN keeps one row even when the page is empty, so `held_back` always comes back.
 */
function readAllStatement(fromPosition: bigint, batchSize: number) {
  const perTransaction = sql.lit(POSITIONS_PER_TRANSACTION);
  return sql<ReadAllRow>`
    with snapshot as (select pg_current_snapshot() as s),
    elsewhere as (
      select backend_xid::text::bigint as xid32 from pg_stat_activity
      where backend_xid is not null and datid <> (select oid from pg_database where datname = current_database())
    ),
    horizon as (
      select least(
        (select pg_snapshot_xmax(s)::text::bigint from snapshot),
        (select min(xip::text::bigint) from snapshot, pg_snapshot_xip(s) as xip
          where xip::text::bigint % 4294967296 not in (select xid32 from elsewhere))
      ) * ${perTransaction} as position
    ),
    bounded as (
      select position, exists (select 1 from events where global_position >= position) as held_back from horizon
    )
    select bounded.held_back, page.global_position::text as global_position, page.stream_id, page.stream_version,
           page.event_type, page.data, page.metadata
    from bounded left join lateral (
      select global_position, stream_id, stream_version, event_type, data, metadata
      from events
      where global_position > ${fromPosition.toString()}::bigint and global_position < bounded.position
      order by global_position
      limit ${batchSize}
    ) page on true
    order by page.global_position`;
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
