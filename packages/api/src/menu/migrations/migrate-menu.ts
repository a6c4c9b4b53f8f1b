import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '@delivery/events';
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
  return runMigrations(db, 'menu', migrations);
}
