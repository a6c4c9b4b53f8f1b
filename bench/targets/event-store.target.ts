import { createMysqlDb, createMysqlEventStore, migrateEventStore } from '@delivery/events';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';
import type { AppendTargetFactory } from './append-target';

/** Our MySQL event store as the API uses it: one append = stream lock, version check, outbox, counter. */
export const eventStoreTarget =
  (databases: ThrowawayDatabases): AppendTargetFactory =>
  async ({ poolSize }) => {
    const database = await databases.mysql();
    const db = createMysqlDb(database.url, { poolSize });
    try {
      await migrateEventStore(db);
    } catch (error) {
      await db.destroy();
      await database.drop();
      throw error;
    }
    const store = createMysqlEventStore({ db });
    return {
      subject: 'event store (MariaDB)',
      async appendNew(streamId, event) {
        await store.appendToStream(streamId, [event], { expectedVersion: 'no_stream' });
      },
      async appendExisting(streamId, event, version) {
        await store.appendToStream(streamId, [event], { expectedVersion: version });
      },
      async close() {
        await db.destroy();
        await database.drop();
      },
    };
  };
