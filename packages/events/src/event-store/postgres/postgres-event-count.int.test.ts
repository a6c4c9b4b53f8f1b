import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPgliteDb } from '../../testing/pglite';
import { createPostgresDb } from '../../db/postgres-database';
import { sampleOrderAccepted, sampleOrderPlaced } from '../../messaging/testing/order-events';
import { orderStreamId } from '../../order/order.events';
import { createTestPostgresDatabase } from '../../testing/postgres';
import type { EventStore } from '../event-store';
import { migratePostgresEventStore } from './migrations/migrate-postgres-event-store';
import { countEventsAfter } from '../event-store.repository';
import type { PostgresEventStoreDatabase } from './postgres-event.table';
import { createPostgresEventStore } from './postgres-event-store';

type Database = { db: Kysely<PostgresEventStoreDatabase>; drop(): Promise<void> };

const backends: { name: string; open(): Promise<Database> }[] = [
  {
    name: 'PostgreSQL',
    async open() {
      const database = await createTestPostgresDatabase('evcount');
      const db = createPostgresDb<PostgresEventStoreDatabase>(database.url, { poolSize: 2 });
      return { db, drop: async () => (await db.destroy(), await database.drop()) };
    },
  },
  {
    name: 'PGlite',
    async open() {
      const db = await createTestPgliteDb<PostgresEventStoreDatabase>();
      return { db, drop: () => db.destroy() };
    },
  },
];

describe.each(backends)('counting PostgreSQL events on $name', ({ open }) => {
  let database: Database;
  let store: EventStore;
  beforeAll(async () => {
    database = await open();
    await migratePostgresEventStore(database.db);
    store = createPostgresEventStore({ db: database.db });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('counts the events after a position, however sparse positions are', async () => {
    expect(await countEventsAfter(database.db, 0n)).toBe(0);
    for (let n = 0; n < 3; n++) {
      const placed = sampleOrderPlaced();
      const streamId = orderStreamId(placed.data.orderId);
      await store.appendToStream(streamId, [placed], { expectedVersion: 'no_stream' });
      await store.appendToStream(streamId, [sampleOrderAccepted(placed.data.orderId)], { expectedVersion: 1 });
    }
    const positions = (await store.readAll(0n, 100)).events.map((entry) => entry.globalPosition);
    expect(positions).toHaveLength(6);
    // One append per transaction: positions lie a million or more apart, yet the count is of events.
    expect(positions[1]! - positions[0]!).toBeGreaterThanOrEqual(1_000_000n);
    expect(await countEventsAfter(database.db, 0n)).toBe(6);
    expect(await countEventsAfter(database.db, positions[3]!)).toBe(2);
    expect(await countEventsAfter(database.db, positions.at(-1)!)).toBe(0);
  });
});
