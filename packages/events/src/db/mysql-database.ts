import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { tracedQueries } from '../tracing/traced-queries';
import { localInfileStream } from './mysql-local-infile';
import { markMadeByCreateMysqlDb } from './mysql-pools';

/** Creates the database named in a `mysql://` URL when it is missing. */
export async function ensureMysqlDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`invalid MySQL database name: "${database}"`);
  parsed.pathname = '/';
  const connection = await createConnection({ uri: parsed.toString() });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await connection.end();
  }
}

/**
 * A Kysely instance over a mysql2 pool; BIGINTs come back as strings so positions never lose precision.
 * LOAD DATA LOCAL INFILE reads only what `withLocalInfile` offers (mysql-local-infile.ts). Every session
 * starts at READ COMMITTED (read-committed.ts).
 */
export function createMysqlDb<DB>(url: string, options: { poolSize?: number } = {}): Kysely<DB> {
  const pool = createPool({
    uri: url,
    connectionLimit: options.poolSize ?? 10,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: false,
    timezone: 'Z',
    infileStreamFactory: localInfileStream,
  });
  // Queued on the new connection before the pool hands it out, so it runs before any statement of a caller.
  // A session left at the server's default would break `readCommittedTransaction`'s promise: closed instead,
  // so the caller's statement fails as on any lost connection.
  pool.on('connection', (connection) => {
    connection.query('set session transaction isolation level read committed', (error) => {
      if (error) connection.destroy();
    });
  });
  const db = new Kysely<DB>({ dialect: new MysqlDialect({ pool }), log: tracedQueries('mysql') });
  markMadeByCreateMysqlDb(db, pool);
  return db;
}
