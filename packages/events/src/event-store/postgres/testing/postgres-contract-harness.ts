import type { Kysely } from 'kysely';
import type { EventStoreHarness } from '../../event-store.contract';
import { migratePostgresEventStore } from '../migrations/migrate-postgres-event-store';
import type { PostgresEventStoreDatabase } from '../postgres-event.table';
import { createPostgresEventStore } from '../postgres-event-store';

/** The contract suite's harness for the PostgreSQL store on `db` (a server or PGlite); `drop` ends the database. */
export async function postgresStoreHarness(db: Kysely<PostgresEventStoreDatabase>, drop: () => Promise<void>): Promise<EventStoreHarness> {
  await migratePostgresEventStore(db);
  return {
    store: createPostgresEventStore({ db }),
    async outboxEventIds(streamId) {
      const rows = await db.selectFrom('outbox').select('event_id').where('stream_id', '=', streamId).orderBy('id').execute();
      return rows.map((row) => row.event_id);
    },
    storeWithClock: (clock) => createPostgresEventStore({ db, clock }),
    outboxRow: (eventId) => db.selectFrom('outbox').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow(),
    async teardown() {
      await db.destroy();
      await drop();
    },
  };
}
