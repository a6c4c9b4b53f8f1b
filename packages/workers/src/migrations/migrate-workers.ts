import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '@delivery/events';
import { emailLogMigration } from './0001-email-log.migration';

/** In order of their names; append, never edit one that has run somewhere. A key is the name databases recorded
 * when it ran, so it keeps its three digits though the file now has four like every other package's. */
const migrations: Record<string, Migration> = {
  '001-email-log': emailLogMigration,
};

/**
 * Brings the workers' own tables up to date. Their migration table is separate from the event store's,
 * so each package migrates its tables without knowing the other's. Safe to run from several processes
 * at once (Kysely takes a lock).
 * @example await migrateWorkers(db);
 */
export async function migrateWorkers<DB>(db: Kysely<DB>): Promise<void> {
  await runMigrations(db, 'workers', migrations);
}
