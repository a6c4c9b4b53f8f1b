import { createPgliteDb } from '../../db/pglite-database';
import { eventStoreContract } from '../event-store.contract';
import { migratePostgresEventStore } from './migrations/migrate-postgres-event-store';
import type { PostgresEventStoreDatabase } from './postgres-event.table';
import { createPostgresEventStore } from './postgres-event-store';

// The PostgreSQL store on PGlite (embedded mode): one session, so appends and reads take turns.
eventStoreContract('PGlite', async () => {
  const db = await createPgliteDb<PostgresEventStoreDatabase>('memory');
  await migratePostgresEventStore(db);
  return {
    store: createPostgresEventStore({ db }),
    async outboxEventIds(streamId) {
      const rows = await db.selectFrom('outbox').select('event_id').where('stream_id', '=', streamId).orderBy('id').execute();
      return rows.map((row) => row.event_id);
    },
    async teardown() {
      await db.destroy();
    },
  };
});
