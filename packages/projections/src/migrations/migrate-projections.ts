import { Migrator, type Kysely, type Migration } from 'kysely';
import { orderViewMigration } from './001-order-view.migration';

/** In order of their names; append, never edit one that has run somewhere. */
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
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'projections_migrations',
    migrationLockTableName: 'projections_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed ? ` ${failed.migrationName}` : '';
    throw new Error(`projections migration${name} failed`, { cause: error });
  }
}
