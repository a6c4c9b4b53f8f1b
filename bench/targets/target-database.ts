import type { ThrowawayDatabase } from '../lib/throwaway-databases';

/**
 * The one way a target gets its database: create a throwaway one, open a client on it, migrate; if
 * opening or migrating fails, close what was opened and drop the database before rethrowing, so a
 * failed target leaves nothing behind. `close()` does both in the normal case.
 * @example const { client, close } = await openTargetDatabase(() => databases.mysql(), (url) => createMysqlDb(url), migrateEventStore, (db) => db.destroy());
 */
export async function openTargetDatabase<Client>(
  create: () => Promise<ThrowawayDatabase>,
  open: (url: string) => Client,
  migrate: (client: Client, url: string) => Promise<unknown>,
  closeClient: (client: Client) => Promise<unknown>,
): Promise<{ database: ThrowawayDatabase; client: Client; close(): Promise<void> }> {
  const database = await create();
  let client: Client;
  try {
    client = open(database.url);
  } catch (error) {
    await database.drop();
    throw error;
  }
  const close = async () => {
    try {
      await closeClient(client);
    } finally {
      await database.drop();
    }
  };
  try {
    await migrate(client, database.url);
  } catch (error) {
    await close();
    throw error;
  }
  return { database, client, close };
}
