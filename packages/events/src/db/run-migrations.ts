import { Migrator, type Kysely, type Migration } from 'kysely';

/**
 * Runs one package's Kysely migrations to the latest, with a migration table of its own (`<name>_migrations`),
 * so packages sharing a database migrate their tables without knowing each other's. Idempotent and safe from
 * several processes at once (Kysely locks while migrating). Returns the names applied now.
 * @example await runMigrations(db, 'menu', { '0001_menu_tables': menuTablesMigration });
 */
export async function runMigrations<DB>(db: Kysely<DB>, name: string, migrations: Record<string, Migration>): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `${name}_migrations`,
    migrationLockTableName: `${name}_migrations_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error || failed) throw new Error(`${name} migration${failed ? ` ${failed.migrationName}` : ''} failed`, { cause: error });
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
