import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { tracedQueries } from '../tracing/traced-queries';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * NUMERIC stays a decimal string ("8.50") and BIGINT a string (event positions), so neither passes through
 * a float; per pool, so a change to pg's global parsers elsewhere cannot alter them.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? (value: string) => value : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The database named in a `postgres://` URL, checked to be safe to splice into DDL. */
export function postgresDatabaseName(url: string): string {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`invalid PostgreSQL database name: "${database}"`);
  return database;
}

/** A URL to the server's `postgres` maintenance database, from which databases are created and dropped. */
export function maintenanceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates the database named in a `postgres://` URL when it is missing. Safe when several processes
 * start at once: the loser of a concurrent CREATE DATABASE finds it there.
 */
export async function ensurePostgresDatabase(url: string): Promise<void> {
  const database = postgresDatabaseName(url);
  const client = new pg.Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return;
    await client.query(`CREATE DATABASE "${database}"`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Two processes may both see the database missing; the second CREATE fails with one of these.
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await client.end();
  }
}

/** A Kysely instance over a pg pool; NUMERIC and BIGINT columns come back as strings. */
export function createPostgresDb<DB>(url: string, options: { poolSize?: number } = {}): Kysely<DB> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: typeParsers });
  // An idle client losing its connection (server restart) emits 'error' on the pool; without a listener it
  // would crash the process. The next query simply gets a fresh client.
  pool.on('error', () => undefined);
  // A client lent out (mid-query or between a transaction's queries) emits 'error' on itself when the server
  // goes away, and the pool listens only to idle ones: without this the API would crash on a PostgreSQL
  // restart instead of answering 503. The query in progress is rejected with the same error anyway.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: tracedQueries('postgresql') });
}
