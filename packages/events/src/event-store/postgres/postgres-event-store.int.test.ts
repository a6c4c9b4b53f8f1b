import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrderAccepted } from '../../messaging/testing/order-events';
import { createTestPostgresDatabase } from '../../testing/postgres';
import type { TestDatabase } from '../../testing/test-database';
import type { EventStore, NewEvent } from '../event-store';
import { eventStoreContract } from '../event-store.contract';
import { migratePostgresEventStore } from './migrations/migrate-postgres-event-store';
import { createPostgresDb } from '../../db/postgres-database';
import type { PostgresEventStoreDatabase } from './postgres-event.table';
import { createPostgresEventStore } from './postgres-event-store';
import { postgresStoreHarness } from './testing/postgres-contract-harness';

eventStoreContract('PostgreSQL', async () => {
  const database = await createTestPostgresDatabase('evstore');
  return postgresStoreHarness(createPostgresDb<PostgresEventStoreDatabase>(database.url, { poolSize: 10 }), () => database.drop());
});

describe('PostgreSQL event store', () => {
  const recordedAt = new Date('2025-03-04T05:06:07.890Z');
  let database: TestDatabase;
  let db: Kysely<PostgresEventStoreDatabase>;
  let store: EventStore;
  /** Returns at once when committed events are held back, to observe the hold-back itself. */
  let impatient: EventStore;

  beforeAll(async () => {
    database = await createTestPostgresDatabase('evstore');
    db = createPostgresDb<PostgresEventStoreDatabase>(database.url, { poolSize: 4 });
    await migratePostgresEventStore(db);
    store = createPostgresEventStore({ db, clock: { now: () => recordedAt } });
    impatient = createPostgresEventStore({ db, heldBackWaitMs: 0 });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** A raw session on a database, for transactions the test holds open. */
  async function openSession(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  }

  async function head(): Promise<bigint> {
    let position = 0n;
    for (;;) {
      const page = await store.readAll(position, 500);
      if (page.events.length === 0) return position;
      position = page.nextPosition;
    }
  }

  const thing = (): NewEvent => ({ type: 'ThingHappened', data: { n: 1 }, metadata: sampleOrderAccepted(randomUUID()).metadata });

  describe('migrating', () => {
    it('migrates idempotently, recording its history in events_migrations', async () => {
      expect(await migratePostgresEventStore(db)).toEqual({ applied: [] });
      const history = await sql<{ name: string }>`select name from events_migrations`.execute(db);
      expect(history.rows.map((row) => row.name)).toEqual(['0001_postgres_event_store', '0002_outbox_set_aside']);
    });

    it('migrates a fresh database exactly once when three processes start together', async () => {
      const fresh = await createTestPostgresDatabase('evstore');
      const dbs = [1, 2, 3].map(() => createPostgresDb(fresh.url, { poolSize: 1 }));
      try {
        const results = await Promise.all(dbs.map((each) => migratePostgresEventStore(each)));
        expect(results.flatMap((result) => result.applied)).toEqual(['0001_postgres_event_store', '0002_outbox_set_aside']);
      } finally {
        await Promise.all(dbs.map((each) => each.destroy()));
        await fresh.drop();
      }
    });

    it('refuses to start when the transaction counter is behind the stored events, as after a logical restore', async () => {
      const ahead = 999_999_999_999n;
      await sql`insert into events (global_position, transaction_id, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at)
                values (${(ahead * 1_000_000n).toString()}::bigint, ${ahead.toString()}::xid8, ${`restored-${randomUUID()}`}, 1,
                        ${randomUUID()}, 'ThingHappened', '{}', '{}', now())`.execute(db);
      try {
        await expect(migratePostgresEventStore(db)).rejects.toThrow(/transaction counter .* is behind/);
      } finally {
        await sql`delete from events where transaction_id = ${ahead.toString()}::xid8`.execute(db);
      }
      expect(await migratePostgresEventStore(db)).toEqual({ applied: [] });
    });
  });

  describe('appending', () => {
    it('places an append’s events at consecutive positions owned by its transaction', async () => {
      const streamId = `things-${randomUUID()}`;
      await store.appendToStream(streamId, [thing(), thing(), thing()]);
      const rows = await db
        .selectFrom('events')
        .select([sql<string>`global_position::text`.as('position'), sql<string>`transaction_id::text`.as('xid')])
        .where('stream_id', '=', streamId)
        .orderBy('stream_version')
        .execute();
      const xid = BigInt(rows[0]!.xid);
      expect(rows.map((row) => BigInt(row.position))).toEqual([0n, 1n, 2n].map((index) => xid * 1_000_000n + index));
      expect(new Set(rows.map((row) => row.xid)).size).toBe(1);
    });

    it('reports a text the database cannot hold as a validation error, not a driver error', async () => {
      await expect(store.appendToStream(`things-${randomUUID()}`, [{ ...thing(), type: 'Bad\0Type' }])).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        field: 'events[0].type',
      });
    });
  });

  describe('reading all streams', () => {
    it('holds back events behind a transaction still open in this database, then returns the late commit first', async () => {
      const start = await head();
      const late = await openSession(database.url);
      try {
        await late.query('begin');
        const { rows } = await late.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
        const early = thing();
        await store.appendToStream(`things-${randomUUID()}`, [early]);
        // Committed, but an older transaction could still commit before it: not yet readable.
        expect(await impatient.readAll(start, 10)).toEqual({ events: [], nextPosition: start });

        const lateEvent = thing();
        await late.query(
          `insert into events (global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at)
           values ($1::bigint * 1000000, $2, 1, $3, $4, $5, $6, now())`,
          [
            rows[0]!.xid,
            `things-${randomUUID()}`,
            lateEvent.metadata.eventId,
            lateEvent.type,
            JSON.stringify(lateEvent.data),
            JSON.stringify(lateEvent.metadata),
          ],
        );
        // A patient reader waits for the open transaction rather than report the end early.
        const reading = store.readAll(start, 10);
        await late.query('commit');
        const page = await reading;
        expect(page.events.map((entry) => entry.event.metadata.eventId)).toEqual([lateEvent.metadata.eventId, early.metadata.eventId]);
        expect(page.events[0]!.globalPosition).toBeLessThan(page.events[1]!.globalPosition);
      } finally {
        await late.end();
      }
    });

    it('is not held back by a transaction open in another database', async () => {
      const start = await head();
      const elsewhere = await openSession(new URL('/postgres', database.url).toString());
      try {
        await elsewhere.query('begin');
        await elsewhere.query('select pg_current_xact_id()');
        const appended = thing();
        await store.appendToStream(`things-${randomUUID()}`, [appended]);
        const page = await impatient.readAll(start, 10);
        expect(page.events.map((entry) => entry.event.metadata.eventId)).toEqual([appended.metadata.eventId]);
      } finally {
        await elsewhere.query('rollback');
        await elsewhere.end();
      }
    });
  });
});
