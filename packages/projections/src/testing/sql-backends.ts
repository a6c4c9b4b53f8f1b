import {
  createMysqlDb,
  createMysqlEventStore,
  createPostgresDb,
  createPostgresEventStore,
  migrateEventStore,
  migratePostgresEventStore,
  type EventStore,
} from '@delivery/events';
import { createTestMysqlDatabase, createTestPgliteDb, createTestPostgresDatabase, type TestDatabase } from '@delivery/events/testing';
import type { Kysely } from 'kysely';

/** Test helpers only: the databases the read model and the workers' tables must work on alike. */

export interface TestSqlDatabase<DB> {
  db: Kysely<DB>;
  /** Closes `db` and deletes the database. */
  drop(): Promise<void>;
}

export interface SqlBackend {
  name: 'MariaDB' | 'PostgreSQL' | 'PGlite';
  /** A fresh, empty database of the caller's own (PGlite: in memory, one session whatever the pool size). */
  createDatabase<DB>(options?: { poolSize?: number }): Promise<TestSqlDatabase<DB>>;
  /** The event store of this backend and its tables. */
  migrateEventStore<DB>(db: Kysely<DB>): Promise<void>;
  createEventStore<DB>(db: Kysely<DB>): EventStore;
}

/** A fresh database on a local server, of the caller's own: `drop` closes its pool, then drops it. */
async function serverDatabase<DB>(database: TestDatabase, connect: (url: string) => Kysely<DB>): Promise<TestSqlDatabase<DB>> {
  const db = connect(database.url);
  return { db, drop: async () => (await db.destroy(), await database.drop()) };
}

const mariadb: SqlBackend = {
  name: 'MariaDB',
  createDatabase: async <DB>(options = {}) => serverDatabase(await createTestMysqlDatabase('proj'), (url) => createMysqlDb<DB>(url, options)),
  migrateEventStore: async (db) => void (await migrateEventStore(db)),
  createEventStore: (db) => createMysqlEventStore({ db }),
};

const postgres: SqlBackend = {
  name: 'PostgreSQL',
  createDatabase: async <DB>(options = {}) => serverDatabase(await createTestPostgresDatabase('proj'), (url) => createPostgresDb<DB>(url, options)),
  migrateEventStore: async (db) => void (await migratePostgresEventStore(db)),
  createEventStore: (db) => createPostgresEventStore({ db }),
};

const pglite: SqlBackend = {
  ...postgres,
  name: 'PGlite',
  async createDatabase<DB>() {
    const db = await createTestPgliteDb<DB>();
    return { db, drop: () => db.destroy() };
  },
};

/**
 * MariaDB and PostgreSQL on their local servers, and PGlite in memory: for `describe.each`.
 * @example describe.each(sqlBackends)('order view on $name', (backend) => { ... });
 */
export const sqlBackends: readonly SqlBackend[] = [mariadb, postgres, pglite];
