import { ensureApiDatabases, migrateApiDatabases, type ApiOrdersDatabase, type MenuDatabase } from '@delivery/api';
import { createMysqlDb, createPostgresDb } from '@delivery/events';
import { migrateWorkers } from '@delivery/workers';
import { databaseCommand } from './database-command';

export const migrateCommand = databaseCommand('migrate', 'create the databases when missing and bring every table up to date', async (config) => {
  await ensureApiDatabases(config);
  const menu = createPostgresDb<MenuDatabase>(config.POSTGRES_URL);
  const orders = createMysqlDb<ApiOrdersDatabase>(config.MYSQL_URL);
  try {
    const applied = await migrateApiDatabases({ menu, orders });
    await migrateWorkers(orders);
    const names = [...applied.menu, ...applied.eventStore];
    console.log(names.length ? `applied: ${names.join(', ')}` : 'menu and event store were up to date');
    console.log('read model and worker tables are up to date');
    return 0;
  } finally {
    await Promise.allSettled([menu.destroy(), orders.destroy()]);
  }
});
