import { createPool, type Pool } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDb } from '../../db/mysql-database';
import { createTestMysqlDatabase } from '../../testing/mysql';
import type { TestDatabase } from '../../testing/test-database';
import type { EventStore, ReadAllResult } from '../event-store';
import type { EventStoreDatabase } from './event.table';
import { migrateEventStore } from './migrations/migrate-event-store';
import { createMysqlEventStore } from './mysql-event-store';
import { streamEventsFromPool } from './mysql-event-stream';

const EVENTS = 7;

describe('streaming the MySQL event store', () => {
  let database: TestDatabase;
  let store: EventStore;
  let destroy: () => Promise<void>;
  /** One connection: a stream that kept it would leave nothing for the next read. */
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestMysqlDatabase('evstream');
    const db = createMysqlDb<EventStoreDatabase>(database.url, { poolSize: 2 });
    destroy = () => db.destroy();
    await migrateEventStore(db);
    store = createMysqlEventStore({ db });
    for (let n = 0; n < EVENTS; n++) {
      await store.appendToStream(`stream-${n % 3}`, [{ type: 'ThingHappened', data: { n }, metadata: { eventId: crypto.randomUUID(), correlationId: 'c' } }]);
    }
    pool = createPool({ uri: database.url, connectionLimit: 1, supportBigNumbers: true, bigNumberStrings: true });
  });
  afterAll(async () => {
    await new Promise((resolve) => pool?.end(resolve));
    await destroy?.();
    await database?.drop();
  });

  const readAll = async (chunkSize: number, rowsPerStatement: number) => {
    const chunks: ReadAllResult[] = [];
    for await (const chunk of streamEventsFromPool(pool, 0n, chunkSize, rowsPerStatement)) chunks.push(chunk);
    return chunks;
  };

  it('reads on across statements of a few rows each as one stream, chunks cut within each', async () => {
    const chunks = await readAll(2, 3);
    expect(chunks.map((chunk) => chunk.events.length)).toEqual([2, 1, 2, 1, 1]);
    expect(chunks.flatMap((chunk) => chunk.events)).toEqual((await store.readAll(0n, 100)).events);
  });

  it('stops reading from the server while the consumer is chunks behind, and then reads the rest', async () => {
    const calls: string[] = [];
    // The pool's connection, its pause and resume counted (it goes back to the pool so, which is harmless here).
    const counting = {
      getConnection: (callback: Parameters<Pool['getConnection']>[0]) =>
        pool.getConnection((error, connection) => {
          if (connection) {
            const { pause, resume } = connection;
            connection.pause = () => (calls.push('pause'), pause.call(connection));
            connection.resume = () => (calls.push('resume'), resume.call(connection));
          }
          callback(error, connection);
        }),
    } as Pool;
    const seen: bigint[] = [];
    for await (const chunk of streamEventsFromPool(counting, 0n, 1, 100)) {
      if (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      seen.push(chunk.nextPosition);
    }
    expect(seen).toHaveLength(EVENTS);
    expect(calls.slice(0, 2)).toEqual(['pause', 'resume']);
  });

  it('gives its connection up when the consumer stops early, so the next read on the pool goes on', async () => {
    for await (const chunk of streamEventsFromPool(pool, 0n, 1, 100)) {
      expect(chunk.events).toHaveLength(1);
      break;
    }
    expect((await readAll(3, 100)).flatMap((chunk) => chunk.events)).toHaveLength(EVENTS);
  });

  it('refuses a chunk size below one', async () => {
    await expect(readAll(0, 100)).rejects.toThrow(RangeError);
  });
});
