import { createMysqlDb, createMysqlEventStore, migrateEventStore } from '@delivery/events';
import { mariadbCounters } from '../lib/server-counters.repository';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';
import { countingLogger } from './race-counting-logger';
import { openTargetDatabase } from './target-database';

export const MYSQL_EVENT_STORE = 'our event store (MariaDB)';

/** Our MySQL event store as the API uses it: one append = stream lock, version check, outbox, counter. */
export const mysqlEventStoreTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const { database, client: db, close } = await openTargetDatabase(
      () => databases.mysql(),
      (url) => createMysqlDb(url, { poolSize }),
      migrateEventStore,
      (opened) => opened.destroy(),
    );
    const races = countingLogger();
    const store = createMysqlEventStore({ db, logger: races.logger });
    return {
      subject: MYSQL_EVENT_STORE,
      database: database.name,
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [event], { expectedVersion: version });
      },
      diagnostics: races.describe,
      serverCounters: () => mariadbCounters(database.url),
      close,
    };
  };
