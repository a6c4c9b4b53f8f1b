import { ensureMysqlDatabase, ensurePostgresDatabase, migrateEventStore } from '@delivery/events';
import { migrateProjections } from '@delivery/projections';
import type { ApiDatabases } from '../app-deps';
import type { ApiConfig } from '../config';
import { migrateMenu } from '../menu/migrations/migrate-menu';

/** Creates the MySQL and PostgreSQL databases named in the configuration when they are missing. */
export async function ensureApiDatabases(config: Pick<ApiConfig, 'MYSQL_URL' | 'POSTGRES_URL'>): Promise<void> {
  await Promise.all([ensureMysqlDatabase(config.MYSQL_URL), ensurePostgresDatabase(config.POSTGRES_URL)]);
}

/**
 * Brings every table the API reads or writes up to date: the menu (PostgreSQL), the event store and the
 * read model (MySQL). Idempotent, and safe from several processes at once.
 */
export async function migrateApiDatabases(db: ApiDatabases): Promise<{ menu: string[]; eventStore: string[] }> {
  const [menu, eventStore] = await Promise.all([migrateMenu(db.menu), migrateEventStore(db.orders)]);
  await migrateProjections(db.orders);
  return { menu: menu.applied, eventStore: eventStore.applied };
}
