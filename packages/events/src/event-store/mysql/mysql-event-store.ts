import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventMetadata } from '../../order/order.events';
import type { NewOutboxRow } from '../../outbox/outbox.table';
import { type Clock, systemClock } from '../../shared/clock';
import { ConflictError } from '../../shared/errors';
import { type Logger, silentLogger } from '../../shared/logger';
import type { AppendResult, EventStore, ExpectedVersion, NewEvent, ReadAllResult, RecordedEvent } from '../event-store';
import type { EventRow, EventStoreDatabase, NewEventRow } from './event.table';
import { assertExpectedVersion, resolveStored, validateAppend, versionMatches } from '../append-rules';

export interface MysqlEventStoreOptions<DB> {
  /** A Kysely over MySQL/MariaDB whose database holds the tables of `migrateEventStore`. */
  db: Kysely<DB>;
  /** Stamps `recorded_at` and the outbox's `created_at`. */
  clock?: Clock;
  /** How often an append that loses a lock race (deadlock, duplicate key) is retried before it reports a conflict. */
  maxAttempts?: number;
  /** Lost races are logged at debug level. */
  logger?: Logger;
}

/*
 * How `readAll` never skips an event that commits late.
 *
 * An AUTO_INCREMENT position is handed out at INSERT time but becomes visible at COMMIT time, so with
 * concurrent appends position 11 can be visible while 10 is still uncommitted: a reader that saw 11 and
 * moved its cursor past 10 would never see 10.
 *
 * Here positions come from one counter row (`event_positions`, id 1). An append first settles its
 * stream (locks the `streams` row, checks the expected version, writes its outbox rows), and only then,
 * as its last statements, bumps the counter (the UPDATE takes the row's lock) and inserts its events at
 * positions counter+1..counter+n. The counter's row lock is held until COMMIT, so the append that gets
 * the next positions can only read the counter after this one has committed. Hence positions are
 * handed out in commit order: when any position p is visible, every position below p was committed
 * earlier and is visible too (InnoDB makes a transaction visible before it releases its locks).
 * A rollback undoes its counter bump with it, so positions are also dense (no holes).
 *
 * The price is that appends serialise on the counter for the last two statements and the commit;
 * the stream check and the outbox insert (the longer part) stay concurrent across streams.
 */

const RACE_ERRNOS = new Set([
  1213, // ER_LOCK_DEADLOCK: InnoDB chose this transaction as the victim
  1205, // ER_LOCK_WAIT_TIMEOUT
  1062, // ER_DUP_ENTRY: a concurrent append stored the same stream row or event id first
]);


/**
 * The event store on MySQL/MariaDB (see the comment above for how global order is kept).
 * Events come back raw (`NewEvent`, any schema version): parse them with `parseOrderEvent` or read
 * through `readOrderStream`.
 * @example
 * const store = createMysqlEventStore({ db: createMysqlDb(url) });
 * await store.appendToStream(orderStreamId(orderId), [placed], { expectedVersion: 'no_stream' });
 */
export function createMysqlEventStore<DB>(options: MysqlEventStoreOptions<DB>): EventStore {
  // The caller's Kysely may know more tables than ours; the store only touches its own.
  const db = options.db as unknown as Kysely<EventStoreDatabase>;
  const clock = options.clock ?? systemClock;
  const maxAttempts = options.maxAttempts ?? 8;
  const logger = options.logger ?? silentLogger;

  async function appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    { expectedVersion = 'any' }: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    validateAppend(streamId, events, expectedVersion);
    if (events.length === 0) {
      const current = await readStreamVersion(db, streamId);
      assertExpectedVersion(streamId, expectedVersion, current);
      return { nextExpectedVersion: current, alreadyStored: false };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED: no gap locks (fewer deadlocks), and each plain read sees the latest commits.
        return await db
          .transaction()
          .setIsolationLevel('read committed')
          .execute((trx) => appendOnce(trx, streamId, events, expectedVersion, attempt > 1));
      } catch (error) {
        if (!isRaceError(error)) throw error;
        logger.debug({ streamId, attempt, errno: errnoOf(error) }, 'append lost a lock race');
        if (attempt >= maxAttempts) {
          const current = await readStreamVersion(db, streamId);
          throw new ConflictError(`stream ${streamId} is contended (at version ${current}); retry the command`, current);
        }
        // The retry re-checks everything: a duplicate event id then reads as an idempotent retry.
        await delay(Math.random() * 3 * attempt);
      }
    }
  }

  async function appendOnce(
    trx: Transaction<EventStoreDatabase>,
    streamId: string,
    events: readonly NewEvent[],
    expectedVersion: ExpectedVersion,
    checkStoredFirst: boolean,
  ): Promise<AppendResult> {
    const current = await lockStream(trx, streamId);
    const matches = versionMatches(expectedVersion, current);
    // Only a failed check or a lost race can mean "already stored", so the happy path skips this read.
    if (checkStoredFirst || !matches) {
      const stored = await findStoredEvents(trx, events);
      if (stored.length > 0) return resolveStored(streamId, events, stored, current);
    }
    if (!matches) assertExpectedVersion(streamId, expectedVersion, current);

    const nextVersion = current + events.length;
    const now = clock.now();
    await trx.updateTable('streams').set({ version: nextVersion }).where('stream_id', '=', streamId).execute();
    await trx
      .insertInto('outbox')
      .values(events.map((event, index) => outboxRow(streamId, current + index + 1, event, now)))
      .execute();

    // Last: take global positions (see the comment at the top). LAST_INSERT_ID(expr) hands the new
    // counter value back in the same round trip, keeping the serialised section to two statements.
    const bumped = await sql`update event_positions set last_position = last_insert_id(last_position + ${events.length}) where id = 1`.execute(trx);
    const last = bumped.insertId ?? (await readLastPosition(trx));
    const first = last - BigInt(events.length) + 1n;
    await trx
      .insertInto('events')
      .values(events.map((event, index) => eventRow(streamId, current + index + 1, first + BigInt(index), event, now)))
      .execute();
    return { nextExpectedVersion: nextVersion, alreadyStored: false };
  }

  async function readStream(
    streamId: string,
    { fromVersion = 1, maxCount }: { fromVersion?: number; maxCount?: number } = {},
  ): Promise<RecordedEvent[]> {
    let query = db
      .selectFrom('events')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('stream_version', '>=', fromVersion)
      .orderBy('stream_version');
    if (maxCount !== undefined) query = query.limit(maxCount);
    return (await query.execute()).map(toRecorded);
  }

  async function readAll(fromPosition: bigint, batchSize: number): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`invalid batch size: ${batchSize}`);
    // Autocommit: each call reads a fresh snapshot, in which positions have no invisible holes.
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('global_position', '>', fromPosition.toString())
      .orderBy('global_position')
      .limit(batchSize)
      .execute();
    const events = rows.map(toRecorded);
    return { events, nextPosition: events.at(-1)?.globalPosition ?? fromPosition };
  }

  return { appendToStream, readStream, readAll };
}

/** Creates the stream row if missing and locks it: concurrent appends to one stream queue here. */
async function lockStream(trx: Transaction<EventStoreDatabase>, streamId: string): Promise<number> {
  // On a duplicate key, INSERT ... ON DUPLICATE KEY UPDATE takes an exclusive lock on the existing row
  // (a plain INSERT would take a shared one and invite deadlocks between two creators of one stream).
  await trx
    .insertInto('streams')
    .values({ stream_id: streamId, version: 0 })
    .onDuplicateKeyUpdate({ version: sql<number>`version` })
    .execute();
  const row = await trx
    .selectFrom('streams')
    .select('version')
    .where('stream_id', '=', streamId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

async function findStoredEvents(trx: Transaction<EventStoreDatabase>, events: readonly NewEvent[]) {
  return trx
    .selectFrom('events')
    .select(['event_id', 'stream_id', 'stream_version'])
    .where(
      'event_id',
      'in',
      events.map((event) => event.metadata.eventId),
    )
    .execute();
}


async function readStreamVersion(db: Kysely<EventStoreDatabase>, streamId: string): Promise<number> {
  const row = await db.selectFrom('streams').select('version').where('stream_id', '=', streamId).executeTakeFirst();
  return row ? Number(row.version) : 0;
}

async function readLastPosition(trx: Transaction<EventStoreDatabase>): Promise<bigint> {
  const row = await trx.selectFrom('event_positions').select('last_position').where('id', '=', 1).executeTakeFirstOrThrow();
  return BigInt(row.last_position);
}




function outboxRow(streamId: string, streamVersion: number, event: NewEvent, now: Date): NewOutboxRow {
  return {
    event_id: event.metadata.eventId,
    stream_id: streamId,
    stream_version: streamVersion,
    event_type: event.type,
    correlation_id: event.metadata.correlationId,
    payload: JSON.stringify({ type: event.type, data: event.data, metadata: event.metadata }),
    created_at: now,
  };
}

function eventRow(streamId: string, streamVersion: number, position: bigint, event: NewEvent, now: Date): NewEventRow {
  return {
    global_position: position.toString(),
    stream_id: streamId,
    stream_version: streamVersion,
    event_id: event.metadata.eventId,
    event_type: event.type,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata),
    recorded_at: now,
  };
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: BigInt(row.global_position),
    event: {
      type: row.event_type,
      data: JSON.parse(row.data) as unknown,
      // Raw: possibly an older schema version; parseOrderEvent upcasts and validates it.
      metadata: JSON.parse(row.metadata) as EventMetadata,
    },
  };
}

const errnoOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'errno' in error ? Number(error.errno) : undefined;

const isRaceError = (error: unknown): boolean => RACE_ERRNOS.has(errnoOf(error) ?? 0);

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
