import { type Kysely, sql, type Transaction } from 'kysely';
import type { NewOutboxRow } from '../../outbox/outbox.table';
import { type Clock, systemClock } from '../../shared/clock';
import { isLostRace } from '../../db/lost-races';
import { readCommittedTransaction } from '../../db/read-committed';
import { delay } from '../../shared/backoff';
import { ConflictError } from '../../shared/errors';
import { type Logger, silentLogger } from '../../shared/logger';
import { poolOfCreateMysqlDb } from '../../db/mysql-pools';
import { toRecordedEvent } from '../recorded-event';
import { readAllPages } from '../read-all-pages';
import { findStoredEvents, readStreamEvents, readStreamVersion, recordedEventColumns } from '../event-store.repository';
import type { AppendResult, EventStore, ExpectedVersion, NewEvent, ReadAllResult, RecordedEvent } from '../event-store';
import type { EventStoreDatabase, NewEventRow } from './event.table';
import { assertExpectedVersion, validateAppend } from '../append-rules';
import { type AppendDecision, type BatchedAppend, planAppendBatch } from './append-batch-plan';
import { createGroupCommitQueue } from './group-commit-queue';
import { streamEventsFromPool } from './mysql-event-stream';

export interface MysqlEventStoreOptions<DB> {
  /** A Kysely over MySQL/MariaDB whose database holds the tables of `migrateEventStore`. */
  db: Kysely<DB>;
  /** Stamps `recorded_at` and the outbox's `created_at`. */
  clock?: Clock;
  /** How often an append that loses a lock race (deadlock, duplicate key) is retried before it reports a conflict. */
  maxAttempts?: number;
  /** Group commit: transactions of batched appends running at once, each holding one pooled connection. */
  maxConcurrentBatches?: number;
  /** Group commit: events in one transaction at most (an append with more still commits, alone). */
  maxEventsPerBatch?: number;
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
 * Here positions come from one counter row (`event_positions`, id 1). A transaction first settles its
 * streams (locks the `streams` rows, checks the expected versions, writes the stream versions and the
 * outbox rows), and only then, as its last statements, bumps the counter (the UPDATE takes the row's
 * lock) and inserts its events at positions counter+1..counter+n. The counter's row lock is held until
 * COMMIT, so the transaction that gets the next positions can only read the counter after this one
 * has committed. Hence positions are handed out in commit order: when any position p is visible, every
 * position below p was committed earlier and is visible too (InnoDB makes a transaction visible before
 * it releases its locks). A rollback undoes its counter bump with it, so positions are also dense.
 *
 * The price is that transactions serialise on the counter for the last two statements and the commit's
 * log flush: one transaction per append would cap appends at about one per flush. So appends are
 * group-committed (group-commit-queue.ts): the appends a process receives while its earlier ones commit
 * wait, and one transaction then takes them all, in arrival order:
 *
 * 1. `select ... for update` of their streams: locks the existing rows (in primary-key order, the same
 *    in every transaction, so batches do not deadlock on streams) and reads their versions.
 * 2. Each append is decided in JS against those locked versions as if the appends ran one after
 *    another (append-batch-plan.ts): expected version, event ids stored already or earlier in the
 *    batch. A refused append writes nothing and gets its own ConflictError; the others go on.
 * 3. One INSERT of the new streams (a concurrent creator's row makes it fail on the primary key, a lost
 *    race) and one UPDATE of the existing ones, to their versions after the batch; one INSERT of all
 *    outbox rows; then the counter, once for the whole batch, and one INSERT of all events; one commit.
 *
 * A lost race (deadlock, duplicate key) rolls the whole batch back and retries it, looking the event
 * ids up first, up to `maxAttempts`. Any other error rolls it back and runs its appends again one by
 * one, so that such an error reaches only the append that caused it. Callers hear back after the commit.
 */

interface QueuedAppend extends BatchedAppend {
  eventCount: number;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * The event store on MySQL/MariaDB (see the comment above for how global order is kept and how
 * concurrent appends share transactions). Events come back raw (`NewEvent`, any schema version):
 * parse them with `parseOrderEvent` or read through `readOrderStream`.
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
  const enqueue = createGroupCommitQueue<QueuedAppend>({
    // A throw past commitBatch's own handling would be a bug: it still reaches every caller.
    commit: (batch) => commitBatch(batch).catch((error: unknown) => batch.forEach((append) => append.reject(error))),
    maxBatches: options.maxConcurrentBatches ?? 2,
    maxEventsPerBatch: options.maxEventsPerBatch ?? 500,
  });

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
    return new Promise((resolve, reject) => enqueue({ streamId, events, expectedVersion, eventCount: events.length, resolve, reject }));
  }

  async function commitBatch(batch: QueuedAppend[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let decisions: AppendDecision[];
      try {
        // READ COMMITTED: no gap locks (fewer deadlocks), and each plain read sees the latest commits.
        decisions = await readCommittedTransaction(db).execute((trx) => writeBatch(trx, batch, attempt > 1));
      } catch (error) {
        if (!isLostRace(error)) {
          if (batch.length === 1) return batch[0]!.reject(error);
          for (const append of batch) await commitBatch([append]);
          return;
        }
        logger.debug({ streamId: batch[0]!.streamId, appends: batch.length, attempt, errno: errnoOf(error) }, 'append lost a lock race');
        if (attempt >= maxAttempts) {
          for (const { streamId, reject } of batch) {
            const current = await readStreamVersion(db, streamId);
            reject(new ConflictError(`stream ${streamId} is contended (at version ${current}); retry the command`, current));
          }
          return;
        }
        // The retry re-checks everything: a duplicate event id then reads as an idempotent retry.
        await delay(Math.random() * 3 * attempt).promise;
        continue;
      }
      batch.forEach((append, index) => {
        const decision = decisions[index]!;
        if (decision.kind === 'refused') append.reject(decision.error);
        else append.resolve(decision.result);
      });
      return;
    }
  }

  async function writeBatch(trx: Transaction<EventStoreDatabase>, batch: readonly QueuedAppend[], checkStoredFirst: boolean): Promise<AppendDecision[]> {
    const versions = await lockStreams(trx, batch);
    let decisions = planAppendBatch(batch, versions, [], checkStoredFirst);
    // Only a failed check or a lost race can mean "already stored", so the happy path skips this read.
    const toLookUp = batch.filter((_, index) => checkStoredFirst || decisions[index]!.kind === 'refused');
    if (toLookUp.length > 0) {
      const stored = await findStoredEvents(
        trx,
        toLookUp.flatMap((append) => append.events),
      );
      if (stored.length > 0) decisions = planAppendBatch(batch, versions, stored, checkStoredFirst);
    }
    const writes = batch.flatMap((append, index) => {
      const decision = decisions[index]!;
      return decision.kind === 'write' ? [{ ...append, firstVersion: decision.firstVersion }] : [];
    });
    if (writes.length === 0) return decisions;

    const now = clock.now();
    const nextVersions = new Map(writes.map((write) => [write.streamId, write.firstVersion + write.events.length - 1]));
    await saveStreamVersions(trx, nextVersions, versions);
    const rows = writes.flatMap(({ streamId, events, firstVersion }) =>
      events.map((event, index) => ({ streamId, streamVersion: firstVersion + index, event })),
    );
    await trx
      .insertInto('outbox')
      .values(rows.map((row) => outboxRow(row.streamId, row.streamVersion, row.event, now)))
      .execute();

    // Last: take global positions (see the comment at the top). LAST_INSERT_ID(expr) hands the new
    // counter value back in the same round trip, keeping the serialised section to two statements.
    const bumped = await sql`update event_positions set last_position = last_insert_id(last_position + ${rows.length}) where id = 1`.execute(trx);
    const last = bumped.insertId ?? (await readLastPosition(trx));
    const first = last - BigInt(rows.length) + 1n;
    await trx
      .insertInto('events')
      .values(rows.map((row, index) => eventRow(row.streamId, row.streamVersion, first + BigInt(index), row.event, now)))
      .execute();
    return decisions;
  }

  async function readStream(streamId: string, range: { fromVersion?: number; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    return readStreamEvents(db, streamId, range, 'global_position');
  }

  async function readAll(fromPosition: bigint, batchSize: number): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`invalid batch size: ${batchSize}`);
    // Autocommit: each call reads a fresh snapshot, in which positions have no invisible holes.
    const rows = await db
      .selectFrom('events')
      .select(recordedEventColumns('global_position'))
      .where('global_position', '>', fromPosition.toString())
      .orderBy('global_position')
      .limit(batchSize)
      .execute();
    const events = rows.map(toRecordedEvent);
    return { events, nextPosition: events.at(-1)?.globalPosition ?? fromPosition };
  }

  const pool = poolOfCreateMysqlDb(options.db);
  function streamAll(fromPosition: bigint, chunkSize: number): AsyncIterable<ReadAllResult> {
    // Another Kysely hides its pool: its `readAll` pages are the same events, at a page per round trip.
    return pool ? streamEventsFromPool(pool, fromPosition, chunkSize) : readAllPages(readAll, fromPosition, chunkSize);
  }

  return { appendToStream, readStream, readAll, streamAll };
}

/**
 * Locks the batch's existing stream rows and reads their versions (a stream without a row is at 0).
 * Under READ COMMITTED a missing row takes no lock: a concurrent creator shows up as a duplicate key
 * when saveStreamVersions inserts it, a lost race.
 */
async function lockStreams(trx: Transaction<EventStoreDatabase>, batch: readonly BatchedAppend[]): Promise<Map<string, number>> {
  const streamIds = [...new Set(batch.map((append) => append.streamId))];
  const rows = await trx.selectFrom('streams').select(['stream_id', 'version']).where('stream_id', 'in', streamIds).forUpdate().execute();
  return new Map(rows.map((row) => [row.stream_id, Number(row.version)]));
}

/** Inserts the new streams and moves the locked existing ones to their versions after the batch. */
async function saveStreamVersions(
  trx: Transaction<EventStoreDatabase>,
  nextVersions: ReadonlyMap<string, number>,
  lockedVersions: ReadonlyMap<string, number>,
): Promise<void> {
  const created = [...nextVersions].filter(([streamId]) => !lockedVersions.has(streamId));
  const moved = [...nextVersions].filter(([streamId]) => lockedVersions.has(streamId));
  if (created.length > 0) {
    await trx
      .insertInto('streams')
      .values(created.map(([streamId, version]) => ({ stream_id: streamId, version })))
      .execute();
  }
  if (moved.length > 0) {
    const cases = sql.join(
      moved.map(([streamId, version]) => sql`when ${streamId} then ${version}`),
      sql` `,
    );
    const ids = sql.join(moved.map(([streamId]) => streamId));
    await sql`update streams set version = case stream_id ${cases} end where stream_id in (${ids})`.execute(trx);
  }
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

const errnoOf = (error: unknown): number | undefined => (typeof error === 'object' && error !== null && 'errno' in error ? Number(error.errno) : undefined);
