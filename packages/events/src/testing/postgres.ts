import pg from 'pg';
import { ensurePostgresDatabase } from '../db/postgres-database';
import { createTestDatabase, type TestDatabase } from './test-database';

const baseUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database of this test file's own, dropped (connections and all) by `drop()`. */
export function createTestPostgresDatabase(prefix = 'dt'): Promise<TestDatabase> {
  return createTestDatabase(
    {
      urlOf: (name) => new URL(`/${name}`, baseUrl).toString(),
      create: ensurePostgresDatabase,
      async drop(name) {
        const client = new pg.Client({ connectionString: baseUrl });
        await client.connect();
        try {
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await client.end();
        }
      },
    },
    prefix,
  );
}
