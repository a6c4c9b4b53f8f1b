import { ensureApiDatabases, loadConfig, migrateApiDatabases, type ApiOrdersDatabase, type MenuDatabase } from '@delivery/api';
import { createMysqlDb, createPostgresDb } from '@delivery/events';
import { migrateWorkers } from '@delivery/workers';
import { parseArgs } from 'node:util';
import type { Command } from './command';

export const migrateCommand: Command = {
  name: 'migrate',
  synopsis: 'migrate',
  summary: 'create the databases when missing and bring every table up to date',
  async run(args, env) {
    parseArgs({ args, options: {}, allowPositionals: false });
    const config = loadConfig(env);
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
  },
};
