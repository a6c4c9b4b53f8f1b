import { ensureMysqlDatabase, ensurePostgresDatabase, migrateEventStore, migratePostgresEventStore, sqlFamilyOf } from '@delivery/events';
import { migrateProjections } from '@delivery/projections';
import type { ApiDatabases } from './api-databases';
import type { ApiConfig } from '../config/api-config';
import { migrateMenu } from '../menu/migrations/migrate-menu';

/** Creates the MySQL and PostgreSQL databases named in the configuration when they are missing. */
export async function ensureApiDatabases(config: Pick<ApiConfig, 'MYSQL_URL' | 'POSTGRES_URL'>): Promise<void> {
  await Promise.all([ensureMysqlDatabase(config.MYSQL_URL), ensurePostgresDatabase(config.POSTGRES_URL)]);
}

/**
 * Brings every table the API reads or writes up to date: the menu (PostgreSQL), the event store and the
 * read model (MySQL, or PostgreSQL/PGlite where the orders database is one). Idempotent, and safe from
 * several processes at once. One after the other: in embedded mode both are the same single session.
 */
export async function migrateApiDatabases(db: ApiDatabases): Promise<{ menu: string[]; eventStore: string[] }> {
  const menu = await migrateMenu(db.menu);
  const eventStore = sqlFamilyOf(db.orders) === 'mysql' ? await migrateEventStore(db.orders) : await migratePostgresEventStore(db.orders);
  await migrateProjections(db.orders);
  return { menu: menu.applied, eventStore: eventStore.applied };
}
