import { migrateMenu, seedMenu, type MenuDatabase } from '@delivery/api';
import { createPostgresDb, ensurePostgresDatabase } from '@delivery/events';
import { databaseCommand } from './database-command';

export const seedMenuCommand = databaseCommand('seed-menu', 'load the original sample menu into the menu tables that are empty', async (config) => {
  await ensurePostgresDatabase(config.POSTGRES_URL);
  const pg = createPostgresDb<MenuDatabase>(config.POSTGRES_URL);
  try {
    await migrateMenu(pg);
    const seeded = await seedMenu(pg);
    console.log(`food items added: ${seeded.food}${seeded.food ? '' : ' (table already had items)'}`);
    console.log(`bar items added: ${seeded.bar}${seeded.bar ? '' : ' (table already had items)'}`);
    return 0;
  } finally {
    await pg.destroy();
  }
});
