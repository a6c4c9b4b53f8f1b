import { type Kysely, type Migration, Migrator } from 'kysely';
import { menuTablesMigration } from './0001-menu-tables.migration';

/** Names sort in the order they run; never rename or edit one that has shipped. */
const migrations: Record<string, Migration> = {
  '0001_menu_tables': menuTablesMigration,
};

/**
 * Creates or upgrades the menu tables (food_items, bar_items) in PostgreSQL. Idempotent, and safe from
 * several processes at once (Kysely holds an advisory lock while migrating). History lives in
 * `menu_migrations`.
 * @example await migrateMenu(createPostgresDb(url));
 */
export async function migrateMenu<DB>(db: Kysely<DB>): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'menu_migrations',
    migrationLockTableName: 'menu_migrations_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw new Error('menu migration failed', { cause: error });
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}
