import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';

/*
 * The peer: Emmett's PostgreSQL event store as its documentation sets it up, on its own pg pool sized
 * like ours. One append is one call of its `emt_append_to_stream` function (stream row insert or
 * version-checked update, then the message rows) inside BEGIN/COMMIT. It has no outbox: its consumers
 * poll the messages table instead, so it writes one row fewer per event than our store.
 */
export const emmettTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const database = await databases.postgres();
    const pool = new pg.Pool({ connectionString: database.url, max: poolSize });
    const store = getPostgreSQLEventStore(database.url, { connectionOptions: { pool } });
    try {
      // Explicitly, so the first measured append does not create the schema.
      await store.schema.migrate();
    } catch (error) {
      await pool.end();
      await database.drop();
      throw error;
    }
    const asEmmett = (event: { type: string; data: unknown; metadata: unknown }) => ({
      type: event.type,
      data: event.data as Record<string, unknown>,
      metadata: event.metadata as unknown as Record<string, unknown>,
    });
    return {
      subject: 'Emmett PostgreSQL store',
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [asEmmett(event)], { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [asEmmett(event)], { expectedStreamVersion: BigInt(version) });
      },
      async close() {
        await store.close();
        await pool.end();
        await database.drop();
      },
    };
  };
