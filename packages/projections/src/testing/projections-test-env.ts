import { afterAll, beforeAll, expect } from 'vitest';
import { countEventsAfter, orderStreamId, type EventStore, type EventStoreDatabase, type OrderEvent } from '@delivery/events';
import type { Kysely } from 'kysely';
import { migrateProjections } from '../migrations/migrate-projections';
import type { ProjectionsDatabase } from '../order-view/order-view.table';
import { sqlBackends, type SqlBackend } from './sql-backends';

export interface ProjectionsTestEnv {
  backend: SqlBackend;
  db: Kysely<ProjectionsDatabase & EventStoreDatabase>;
  store: EventStore;
  /** The count of the events after a position (`countEventsAfter`, the same on every backend). */
  countEventsAfter(position: bigint): Promise<number>;
  drop(): Promise<void>;
}

/**
 * A fresh database of this test file's own on `backend` (MariaDB unless told), with the real event store
 * and the read-model tables.
 * @example describe.each(sqlBackends)('on $name', (backend) => { beforeAll(async () => (env = await createProjectionsTestEnv(backend))); });
 */
export async function createProjectionsTestEnv(backend: SqlBackend = sqlBackends[0]!, options: { poolSize?: number } = {}): Promise<ProjectionsTestEnv> {
  const { db, drop } = await backend.createDatabase<ProjectionsDatabase & EventStoreDatabase>(options);
  await backend.migrateEventStore(db);
  await migrateProjections(db);
  return {
    backend,
    db,
    store: backend.createEventStore(db),
    countEventsAfter: (position) => countEventsAfter(db, position),
    drop,
  };
}

/** Appends an order's events one by one, as commands would, each at the version it expects. */
export async function appendOrderHistory(store: EventStore, events: readonly OrderEvent[]): Promise<void> {
  for (const [index, event] of events.entries()) {
    await store.appendToStream(orderStreamId(event.data.orderId), [event], { expectedVersion: index });
  }
}

/**
 * The env of one `describe` block: created before its tests, dropped after them. Its fields are read when a
 * test runs (reading one before `beforeAll` has run is a mistake, and says so).
 * @example describe.each(sqlBackends)('on $name', (backend) => { const env = projectionsTestEnvFor(backend); it(..., () => env.db ...); });
 */
export function projectionsTestEnvFor(backend: SqlBackend): ProjectionsTestEnv {
  let env: ProjectionsTestEnv | undefined;
  beforeAll(async () => {
    env = await createProjectionsTestEnv(backend);
  });
  afterAll(async () => {
    await env?.drop();
  });
  const current = (): ProjectionsTestEnv => env ?? expect.fail('the projections test env is read before its beforeAll ran');
  return {
    backend,
    get db() {
      return current().db;
    },
    get store() {
      return current().store;
    },
    countEventsAfter: (position) => current().countEventsAfter(position),
    drop: () => current().drop(),
  };
}
