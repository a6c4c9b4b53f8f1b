import { randomBytes } from 'node:crypto';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** How a database server makes and drops a database of a test's own. */
export interface TestDatabaseServer {
  /** The URL of the database called `name` on this server. */
  urlOf(name: string): string;
  /** Creates the database at `url`. */
  create(url: string): Promise<void>;
  /** Drops the database called `name` (and whatever still holds it open). */
  drop(name: string): Promise<void>;
}

/** A fresh database `<prefix>_<random>` on `server`, dropped by `drop()`. */
export async function createTestDatabase(server: TestDatabaseServer, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = server.urlOf(name);
  await server.create(url);
  return { url, drop: () => server.drop(name) };
}
