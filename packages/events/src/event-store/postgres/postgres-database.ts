import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * BIGINT and NUMERIC stay strings (positions and money never pass through a float), per pool, so a
 * change to pg's global parsers elsewhere cannot alter them.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates the database named in a `postgres://` URL when it is missing (from the server's `postgres`
 * database). Safe when several processes start at once.
 * @example await ensurePostgresEventStoreDatabase('postgres://postgres@127.0.0.1:5432/delivery');
 */
export async function ensurePostgresEventStoreDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`invalid PostgreSQL database name: "${database}"`);
  parsed.pathname = '/postgres';
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return;
    await client.query(`CREATE DATABASE "${database}"`);
  } catch (error) {
    // Two processes may both see the database missing; the second CREATE fails with one of these.
    const code = (error as { code?: unknown }).code;
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await client.end();
  }
}

/**
 * A Kysely instance over a pg pool for the PostgreSQL event store; BIGINT and NUMERIC come back as strings.
 * @example const db = createPostgresEventStoreDb<PostgresEventStoreDatabase>(url, { poolSize: 10 });
 */
export function createPostgresEventStoreDb<DB>(url: string, options: { poolSize?: number } = {}): Kysely<DB> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: typeParsers });
  // An idle client losing its connection (server restart) emits 'error' on the pool; unheard, it would
  // crash the process. The next query simply gets a fresh client.
  pool.on('error', () => undefined);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
