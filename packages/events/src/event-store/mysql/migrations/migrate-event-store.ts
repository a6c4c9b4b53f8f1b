import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '../../../db/run-migrations';
import { outboxSetAsideMigration } from '../../../outbox/migrations/0002-outbox-set-aside.migration';
import { eventStoreMigration } from './0001-event-store.migration';

/** Names sort in the order they run; never rename or edit one that has shipped. */
const migrations: Record<string, Migration> = {
  '0001_event_store': eventStoreMigration,
  '0002_outbox_set_aside': outboxSetAsideMigration,
};

/**
 * Creates or upgrades the event store's tables (streams, events, event_positions, outbox). Idempotent
 * and safe to run from several processes at once (Kysely holds a MySQL named lock while migrating).
 * Its history lives in `events_migrations`, apart from other packages' migrations in the same database.
 * @example await migrateEventStore(createMysqlDb(url));
 */
export async function migrateEventStore<DB>(db: Kysely<DB>): Promise<{ applied: string[] }> {
  return runMigrations(db, 'events', migrations);
}
