import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { postgresCounters } from '../lib/server-counters.repository';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';
import { openTargetDatabase } from './target-database';

export const EMMETT = 'Emmett PostgreSQL store';

/*
 * The peer: Emmett's PostgreSQL event store as its documentation sets it up, on its own pg pool sized
 * like ours. One append is one call of its `emt_append_to_stream` function (stream row insert or
 * version-checked update, then the message rows) inside BEGIN/COMMIT. It has no outbox: its consumers
 * poll the messages table instead, so it writes one row fewer per event than our store.
 */
export const emmettTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const { database, client, close } = await openTargetDatabase(
      () => databases.postgres(),
      (url) => {
        const pool = new pg.Pool({ connectionString: url, max: poolSize });
        // As createPostgresDb does for ours: an idle client whose connection the server ends (a drop, a
        // restart) emits 'error' on the pool, which would otherwise crash the whole run.
        pool.on('error', () => undefined);
        return { pool, store: getPostgreSQLEventStore(url, { connectionOptions: { pool } }) };
      },
      // Explicitly, so the first measured append does not create the schema.
      (opened) => opened.store.schema.migrate(),
      async (opened) => {
        await opened.store.close();
        await opened.pool.end();
      },
    );
    const { store } = client;
    const asEmmett = (event: { type: string; data: unknown; metadata: unknown }) => ({
      type: event.type,
      data: event.data as Record<string, unknown>,
      metadata: event.metadata as unknown as Record<string, unknown>,
    });
    return {
      subject: EMMETT,
      database: database.name,
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [asEmmett(event)], { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [asEmmett(event)], { expectedStreamVersion: BigInt(version) });
      },
      serverCounters: () => postgresCounters(database.url),
      close,
    };
  };
