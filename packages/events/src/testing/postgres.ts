import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgresDatabase } from '../db/postgres-database';

const baseUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database of this test file's own, dropped (connections and all) by `drop()`. */
export async function createTestPostgresDatabase(prefix = 'dt'): Promise<TestPostgresDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(`/${name}`, baseUrl).toString();
  await ensurePostgresDatabase(url);
  return {
    url,
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
