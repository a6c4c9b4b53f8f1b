import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '@delivery/events';
import { orderViewMigration } from './0001-order-view.migration';

/** In order of their names; append, never edit one that has run somewhere. A key is the name databases recorded
 * when it ran, so it keeps its three digits though the file now has four like every other package's. */
const migrations: Record<string, Migration> = {
  '001-order-view': orderViewMigration,
};

/**
 * Brings the read-model tables up to date. They share the event store's database but have their own
 * migration table, so each package migrates its tables without knowing the other's. Idempotent and safe
 * to run from several processes at once (Kysely takes a lock).
 * @example await migrateProjections(db);
 */
export async function migrateProjections<DB>(db: Kysely<DB>): Promise<void> {
  await runMigrations(db, 'projections', migrations);
}
