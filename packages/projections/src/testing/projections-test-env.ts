import {
  createMysqlDb,
  createMysqlEventStore,
  migrateEventStore,
  orderStreamId,
  type EventStore,
  type EventStoreDatabase,
  type OrderEvent,
} from '@delivery/events';
import { createTestMysqlDatabase } from '@delivery/events/testing';
import type { Kysely } from 'kysely';
import { migrateProjections } from '../migrations/migrate-projections';
import type { ProjectionsDatabase } from '../order-view/order-view.table';

export interface ProjectionsTestEnv {
  db: Kysely<ProjectionsDatabase & EventStoreDatabase>;
  store: EventStore;
  drop(): Promise<void>;
}

/** A fresh database of this test file's own, with the real event store and the read-model tables. */
export async function createProjectionsTestEnv(): Promise<ProjectionsTestEnv> {
  const database = await createTestMysqlDatabase('proj');
  const db = createMysqlDb<ProjectionsDatabase & EventStoreDatabase>(database.url);
  await migrateEventStore(db);
  await migrateProjections(db);
  return {
    db,
    store: createMysqlEventStore({ db }),
    async drop() {
      await db.destroy();
      await database.drop();
    },
  };
}

/** Appends an order's events one by one, as commands would, each at the version it expects. */
export async function appendOrderHistory(store: EventStore, events: readonly OrderEvent[]): Promise<void> {
  for (const [index, event] of events.entries()) {
    await store.appendToStream(orderStreamId(event.data.orderId), [event], { expectedVersion: index });
  }
}
