import {
  createMysqlDb,
  createMysqlEventStore,
  createPostgresDb,
  createPostgresEventStore,
  migrateEventStore,
  migratePostgresEventStore,
} from '@delivery/events';
import { mariadbCounters, postgresCounters } from '../lib/server-counters.repository';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';
import { countingLogger } from './race-counting-logger';
import { openTargetDatabase } from './target-database';

/**
 * One of our event stores as a bench target. MariaDB (`mysql`) as the API uses it: appends arriving together
 * commit as one batch (stream locks, version checks, outbox, the position counter once). PostgreSQL as a
 * one-database deployment would use it (createPostgresDb): one append is one statement (stream upsert under
 * the expected version, event and outbox rows inserted from its result), in an implicit transaction of its own.
 * @example const target = await eventStoreTarget('mysql', databases)({ poolSize: 8 });
 */
export const eventStoreTarget =
  (server: 'mysql' | 'postgres', databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const mysql = server === 'mysql';
    const opened = await openTargetDatabase(
      () => (mysql ? databases.mysql() : databases.postgres()),
      (url) => (mysql ? createMysqlDb(url, { poolSize }) : createPostgresDb(url, { poolSize })),
      (db) => (mysql ? migrateEventStore(db) : migratePostgresEventStore(db)),
      (db) => db.destroy(),
    );
    const races = countingLogger();
    const options = { db: opened.client, logger: races.logger };
    const store = mysql ? createMysqlEventStore(options) : createPostgresEventStore(options);
    return {
      subject: `our event store (${mysql ? 'MariaDB' : 'PostgreSQL'})`,
      database: opened.database.name,
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [event], { expectedVersion: version });
      },
      diagnostics: races.describe,
      serverCounters: () => (mysql ? mariadbCounters : postgresCounters)(opened.database.url),
      close: opened.close,
    };
  };
