import { randomUUID } from 'node:crypto';
import { Kysely, MysqlDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDb } from '../../db/mysql-database';
import { migrateEventStore } from './migrations/migrate-event-store';
import { orderStreamId } from '../../order/order.events';
import { sampleOrderAccepted, sampleOrderPlaced } from '../../messaging/testing/order-events';
import { createTestMysqlDatabase } from '../../testing/mysql';
import type { TestDatabase } from '../../testing/test-database';
import type { EventStore } from '../event-store';
import { eventStoreContract } from '../event-store.contract';
import type { EventStoreDatabase } from './event.table';
import { createMysqlEventStore } from './mysql-event-store';

eventStoreContract('MySQL', async () => {
  const database = await createTestMysqlDatabase('evstore');
  const db = createMysqlDb<EventStoreDatabase>(database.url, { poolSize: 10 });
  // Another process's store: its batches race this one's for stream rows, event ids and the counter.
  const otherDb = createMysqlDb<EventStoreDatabase>(database.url, { poolSize: 10 });
  await migrateEventStore(db);
  return {
    store: createMysqlEventStore({ db }),
    otherStore: createMysqlEventStore({ db: otherDb }),
    async outboxEventIds(streamId) {
      const rows = await db.selectFrom('outbox').select('event_id').where('stream_id', '=', streamId).orderBy('id').execute();
      return rows.map((row) => row.event_id);
    },
    storeWithClock: (clock) => createMysqlEventStore({ db, clock }),
    outboxRow: (eventId) => db.selectFrom('outbox').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow(),
    async teardown() {
      await Promise.all([db.destroy(), otherDb.destroy()]);
      await database.drop();
    },
  };
});

describe('MySQL event store', () => {
  const recordedAt = new Date('2025-03-04T05:06:07.890Z');
  let database: TestDatabase;
  let db: Kysely<EventStoreDatabase>;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestMysqlDatabase('evstore');
    db = createMysqlDb<EventStoreDatabase>(database.url, { poolSize: 4 });
    await migrateEventStore(db);
    store = createMysqlEventStore({ db, clock: { now: () => recordedAt } });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('migrates idempotently, recording its history in events_migrations', async () => {
    expect(await migrateEventStore(db)).toEqual({ applied: [] });
    const history = await sql<{ name: string }>`select name from events_migrations`.execute(db);
    expect(history.rows.map((row) => row.name)).toEqual(['0001_event_store', '0002_outbox_set_aside']);
  });

  it('hands out dense global positions, one per event', async () => {
    const before = (await db.selectFrom('event_positions').select('last_position').executeTakeFirstOrThrow()).last_position;
    const placed = sampleOrderPlaced();
    await store.appendToStream(orderStreamId(placed.data.orderId), [placed, sampleOrderAccepted(placed.data.orderId)]);
    const positions = await db.selectFrom('events').select('global_position').where('global_position', '>', before).orderBy('global_position').execute();
    expect(positions.map((row) => BigInt(row.global_position))).toEqual([BigInt(before) + 1n, BigInt(before) + 2n]);
  });

  it('commits appends made at the same moment in one transaction: one statement of each kind for all of them', async () => {
    const statements: string[] = [];
    const pool = createPool({ uri: database.url, connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' });
    const traced = new Kysely<EventStoreDatabase>({
      dialect: new MysqlDialect({ pool }),
      log(event) {
        statements.push(event.query.sql.replace(/ (values|set|where|\().*/s, ''));
      },
    });
    try {
      const batchStore = createMysqlEventStore({ db: traced });
      const existing = orderStreamId(randomUUID());
      await batchStore.appendToStream(existing, [sampleOrderPlaced()]);
      statements.length = 0;
      const placed = Array.from({ length: 10 }, () => sampleOrderPlaced());
      const results = await Promise.all([
        ...placed.map((event) => batchStore.appendToStream(orderStreamId(event.data.orderId), [event], { expectedVersion: 'no_stream' })),
        batchStore.appendToStream(existing, [sampleOrderAccepted(randomUUID())], { expectedVersion: 1 }),
      ]);
      expect(results.map((result) => result.nextExpectedVersion)).toEqual([...placed.map(() => 1), 2]);
      expect(statements).toEqual([
        'set transaction isolation level read committed',
        'begin',
        'select `stream_id`, `version` from `streams`',
        'insert into `streams`',
        'update streams',
        'insert into `outbox`',
        'update event_positions',
        'insert into `events`',
        'commit',
      ]);
    } finally {
      await traced.destroy();
    }
  });

  it('retries a batch that lost a race on an event id; the loser gets a conflict, its batch-mate commits', async () => {
    const shared = sampleOrderPlaced();
    const eventId = shared.metadata.eventId;
    const [elsewhere, loser, mate, hastyLoser] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()].map(orderStreamId) as [
      string,
      string,
      string,
      string,
    ];
    // Another process's append of the same event, not yet committed: both stores' outbox inserts wait
    // on its unique key, then fail on it (ER_DUP_ENTRY) once it commits.
    const outcomes = await db.connection().execute(async (other) => {
      await sql`start transaction`.execute(other);
      await sql`insert into streams (stream_id, version) values (${elsewhere}, 1)`.execute(other);
      await sql`insert into outbox (event_id, stream_id, stream_version, event_type, correlation_id, payload, created_at)
        values (${eventId}, ${elsewhere}, 1, 'OrderPlaced', 'c', '{}', now(3))`.execute(other);
      await sql`update event_positions set last_position = last_insert_id(last_position + 1) where id = 1`.execute(other);
      await sql`insert into events (global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at)
        values (last_insert_id(), ${elsewhere}, 1, ${eventId}, 'OrderPlaced', '{}', '{}', now(3))`.execute(other);
      const settled = Promise.allSettled([
        store.appendToStream(loser, [shared]),
        store.appendToStream(mate, [sampleOrderPlaced()]),
        createMysqlEventStore({ db, maxAttempts: 1 }).appendToStream(hastyLoser, [shared]),
      ]);
      await statementsRunningWith(database.url, eventId, 2);
      await sql`commit`.execute(other);
      return settled;
    });
    // The retry looks the id up and finds it in another stream; without a retry left, the stream is contended.
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: expect.stringMatching(/already stored/) } });
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { nextExpectedVersion: 1, alreadyStored: false } });
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT', message: expect.stringMatching(/contended/) } });
    expect(await store.readStream(loser)).toEqual([]);
    expect(await store.readStream(hastyLoser)).toEqual([]);
    expect(await store.readStream(mate)).toHaveLength(1);
  });
});

/** Resolves once `count` statements naming `text` are running on the server. */
async function statementsRunningWith(url: string, text: string, count: number): Promise<void> {
  const probe = await createConnection({ uri: url });
  try {
    for (;;) {
      const [rows] = await probe.query<RowDataPacket[]>(
        "select count(*) as running from information_schema.processlist where command = 'Query' and instr(info, ?) > 0 and id <> connection_id()",
        [text],
      );
      if (Number(rows[0]!.running) >= count) return;
    }
  } finally {
    await probe.end();
  }
}
