import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDb } from '../db/mysql-database';
import { createPostgresDb } from '../db/postgres-database';
import type { EventStore, NewEvent } from '../event-store/event-store';
import { migrateEventStore } from '../event-store/mysql/migrations/migrate-event-store';
import { createMysqlEventStore } from '../event-store/mysql/mysql-event-store';
import { migratePostgresEventStore } from '../event-store/postgres/migrations/migrate-postgres-event-store';
import { createPostgresEventStore } from '../event-store/postgres/postgres-event-store';
import { sampleOrderAccepted, sampleOrderPlaced } from '../messaging/testing/order-events';
import { createTestMysqlDatabase } from '../testing/mysql';
import { createTestPostgresDatabase } from '../testing/postgres';
import type { TestDatabase } from '../testing/test-database';
import { orderStreamId, type OrderEvent } from './order.events';
import { loadOrder, readOrderStream } from './order.stream';
import { createUpcaster, type RawEvent } from './order.upcasters';

interface StoreBackend {
  name: string;
  createDatabase(prefix: string): Promise<TestDatabase>;
  connect(url: string, options: { poolSize: number }): Kysely<never>;
  migrate(db: Kysely<never>): Promise<unknown>;
  createStore(options: { db: Kysely<never> }): EventStore;
}

const stores: StoreBackend[] = [
  { name: 'MySQL', createDatabase: createTestMysqlDatabase, connect: createMysqlDb, migrate: migrateEventStore, createStore: createMysqlEventStore },
  {
    name: 'PostgreSQL',
    createDatabase: createTestPostgresDatabase,
    connect: createPostgresDb,
    migrate: migratePostgresEventStore,
    createStore: createPostgresEventStore,
  },
];

/** The backend's event store on a database of this file's own; `close` closes the pool and drops the database. */
async function open(backend: StoreBackend): Promise<{ store: EventStore; close(): Promise<void> }> {
  const database = await backend.createDatabase('orderstream');
  const db = backend.connect(database.url, { poolSize: 2 });
  await backend.migrate(db);
  return { store: backend.createStore({ db }), close: async () => (await db.destroy(), await database.drop()) };
}

describe.each(stores)('an order stream in the $name event store', (backend) => {
  let opened: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    opened = await open(backend);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('reads back validated, folding into state', async () => {
    const placed = sampleOrderPlaced();
    const { orderId } = placed.data;
    await opened.store.appendToStream(orderStreamId(orderId), [placed, sampleOrderAccepted(orderId)]);
    const history = await readOrderStream(opened.store, orderId);
    expect(history.map((entry) => entry.event.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
    const { state, version } = await loadOrder(opened.store, orderId);
    expect(version).toBe(2);
    expect(state).toMatchObject({ status: 'accepted', version: 2, orderId, total: placed.data.total });
  });

  it('reads a stored version 0 event back as the current version through a registered upcaster', async () => {
    const placed = sampleOrderPlaced();
    const { orderId } = placed.data;
    // A made-up old OrderCancelled without a reason, as an older release would have stored it.
    const old = {
      type: 'OrderCancelled',
      data: { orderId },
      metadata: { ...sampleOrderAccepted(orderId).metadata, schemaVersion: 0 },
    };
    await opened.store.appendToStream(orderStreamId(orderId), [placed, old]);
    const parse = createUpcaster({ 1: (event: RawEvent) => ({ ...event, data: { ...(event.data as object), reason: null } }) });
    const history = await readOrderStream(opened.store, orderId, parse);
    expect(history[1]!.event).toEqual({
      type: 'OrderCancelled',
      data: { orderId, reason: null },
      metadata: { ...old.metadata, schemaVersion: 1 },
    } satisfies OrderEvent);
  });

  it('refuses to read back a stored event that is not a valid order event', async () => {
    const orderId = randomUUID();
    const broken: NewEvent = { type: 'OrderAccepted', data: { orderId: 'not-a-uuid' }, metadata: sampleOrderAccepted(orderId).metadata };
    await opened.store.appendToStream(orderStreamId(orderId), [broken]);
    await expect(readOrderStream(opened.store, orderId)).rejects.toThrow(/orderId/);
  });
});
