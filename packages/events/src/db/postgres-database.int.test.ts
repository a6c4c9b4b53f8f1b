import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDb, ensurePostgresDatabase, maintenanceUrl, postgresDatabaseName } from './postgres-database';

const name = `dt_ensure_${process.pid}_${Date.now().toString(36)}`;
const url = `postgres://postgres@127.0.0.1:5432/${name}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
});

describe('postgres database', () => {
  it('is created when missing, even by several processes at once, and left alone when present', async () => {
    await Promise.all([ensurePostgresDatabase(url), ensurePostgresDatabase(url), ensurePostgresDatabase(url)]);
    await ensurePostgresDatabase(url);
    const db = createPostgresDb(url);
    try {
      const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(db);
      expect(rows[0]?.name).toBe(name);
    } finally {
      await db.destroy();
    }
  });

  it('gives NUMERIC back as an exact decimal string, whatever pg global parsers say', async () => {
    const numericOid = 1700;
    const original = pg.types.getTypeParser(numericOid, 'text');
    pg.types.setTypeParser(numericOid, (value: string) => Number.parseFloat(value));
    const db = createPostgresDb(url);
    try {
      const { rows } = await sql<{ price: unknown }>`SELECT 12345678.10::numeric(10, 2) AS price`.execute(db);
      expect(rows[0]?.price).toBe('12345678.10');
    } finally {
      pg.types.setTypeParser(numericOid, original);
      await db.destroy();
    }
  });

  it('refuses a database name that could not be used safely in DDL', () => {
    expect(() => postgresDatabaseName('postgres://postgres@127.0.0.1:5432/bad%22name')).toThrow(/invalid PostgreSQL database name/);
  });
});
