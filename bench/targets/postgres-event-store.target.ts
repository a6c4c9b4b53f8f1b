import { createPostgresDb, createPostgresEventStore, migratePostgresEventStore } from '@delivery/events';
import { postgresCounters } from '../lib/server-counters.repository';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';
import { countingLogger } from './race-counting-logger';
import { openTargetDatabase } from './target-database';

export const POSTGRES_EVENT_STORE = 'our event store (PostgreSQL)';

/**
 * Our PostgreSQL event store as a one-database deployment would use it (createPostgresDb, pool of the
 * given size): one append is one statement (stream upsert under the expected version, event and outbox
 * rows inserted from its result), in an implicit transaction of its own.
 */
export const postgresEventStoreTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const { database, client: db, close } = await openTargetDatabase(
      () => databases.postgres(),
      (url) => createPostgresDb(url, { poolSize }),
      migratePostgresEventStore,
      (opened) => opened.destroy(),
    );
    const races = countingLogger();
    const store = createPostgresEventStore({ db, logger: races.logger });
    return {
      subject: POSTGRES_EVENT_STORE,
      database: database.name,
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [event], { expectedVersion: version });
      },
      diagnostics: races.describe,
      serverCounters: () => postgresCounters(database.url),
      close,
    };
  };
