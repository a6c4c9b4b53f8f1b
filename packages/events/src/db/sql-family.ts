import { MysqlAdapter, PostgresAdapter, type Kysely } from 'kysely';

/**
 * Which SQL a Kysely instance speaks: `mysql` (MariaDB/MySQL) or `postgres` (PostgreSQL or PGlite).
 * For the few statements the two spell differently (upserts, renames, error codes); everything else
 * goes through Kysely's builder unchanged.
 * @example const upsert = sqlFamilyOf(db) === 'mysql' ? ... : ...;
 */
export type SqlFamily = 'mysql' | 'postgres';

export function sqlFamilyOf<DB>(db: Kysely<DB>): SqlFamily {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new Error(`unsupported SQL dialect: ${adapter.constructor.name}`);
}
