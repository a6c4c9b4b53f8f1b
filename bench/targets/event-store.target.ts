import {
  createMysqlDb,
  createMysqlEventStore,
  createPostgresDb,
  createPostgresEventStore,
  migrateEventStore,
  migratePostgresEventStore,
  type EventStore,
  type Logger,
} from '@delivery/events';
import type { Kysely } from 'kysely';
import { mariadbCounters, postgresCounters } from '../lib/server-counters.repository';
import type { ThrowawayDatabase, ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTarget, AppendTargetFactory } from './append-target';
import { countingLogger } from './race-counting-logger';
import { openTargetDatabase } from './target-database';

export const MYSQL_EVENT_STORE = 'our event store (MariaDB)';
export const POSTGRES_EVENT_STORE = 'our event store (PostgreSQL)';

/** What differs between our two stores as a bench target: the server, the pool, the store and its counters. */
interface StoreBackend {
  subject: string;
  database(databases: ThrowawayDatabases): Promise<ThrowawayDatabase>;
  open(url: string, poolSize: number): Kysely<unknown>;
  migrate(db: Kysely<unknown>): Promise<unknown>;
  store(db: Kysely<unknown>, logger: Logger): EventStore;
  serverCounters(url: string): ReturnType<AppendTarget['serverCounters']>;
}

const eventStoreTarget =
  (backend: StoreBackend) =>
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const {
      database,
      client: db,
      close,
    } = await openTargetDatabase(
      () => backend.database(databases),
      (url) => backend.open(url, poolSize),
      (opened) => backend.migrate(opened),
      (opened) => opened.destroy(),
    );
    const races = countingLogger();
    const store = backend.store(db, races.logger);
    return {
      subject: backend.subject,
      database: database.name,
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [event], { expectedVersion: version });
      },
      diagnostics: races.describe,
      serverCounters: () => backend.serverCounters(database.url),
      close,
    };
  };

/**
 * Our MySQL event store as the API uses it: appends arriving together commit as one batch (stream locks,
 * version checks, outbox, the position counter once).
 */
export const mysqlEventStoreTarget = eventStoreTarget({
  subject: MYSQL_EVENT_STORE,
  database: (databases) => databases.mysql(),
  open: (url, poolSize) => createMysqlDb(url, { poolSize }),
  migrate: migrateEventStore,
  store: (db, logger) => createMysqlEventStore({ db, logger }),
  serverCounters: mariadbCounters,
});

/**
 * Our PostgreSQL event store as a one-database deployment would use it (createPostgresDb, pool of the
 * given size): one append is one statement (stream upsert under the expected version, event and outbox
 * rows inserted from its result), in an implicit transaction of its own.
 */
export const postgresEventStoreTarget = eventStoreTarget({
  subject: POSTGRES_EVENT_STORE,
  database: (databases) => databases.postgres(),
  open: (url, poolSize) => createPostgresDb(url, { poolSize }),
  migrate: migratePostgresEventStore,
  store: (db, logger) => createPostgresEventStore({ db, logger }),
  serverCounters: postgresCounters,
});
