import { escapeId, type Pool } from 'mysql2';
import type { SharedWindows } from './shared-window-limiter';

/** rate-limiter-flexible's table (`key`, `points`, `expire` in epoch ms), which it creates: see customer-limits.ts. */
export interface RateLimitTable {
  pool: Pool;
  dbName: string;
  tableName: string;
}

interface WriteResult {
  affectedRows: number;
  insertId: number;
}

const run = <T>(pool: Pool, statement: string, values: (string | number)[]) =>
  new Promise<T>((resolve, reject) => pool.query(statement, values, (error, result) => (error ? reject(error) : resolve(result as T))));

/**
 * The fixed windows of one limit (`keyPrefix`) in the table, with the rows rate-limiter-flexible writes
 * (`<keyPrefix>:<key>`), so processes of either kind count against the same numbers.
 * @example const windows = rateLimitWindows({ pool, dbName, tableName: 'rate_limits' }, 'order-place', 60_000);
 */
export function rateLimitWindows(table: RateLimitTable, keyPrefix: string, durationMs: number): SharedWindows {
  const name = `${escapeId(table.dbName)}.${escapeId(table.tableName)}`;
  // One autocommitted statement instead of a transaction of four (begin, upsert, select, commit): the
  // count after the update comes back in the OK packet through LAST_INSERT_ID(expr), MySQL's and MariaDB's
  // documented way to read a value an update computed. A new row reports no id and holds the points added.
  // The assignments run left to right: `expire` is still the old window's end when `points` reads it.
  const add = `INSERT INTO ${name} (\`key\`, points, expire) VALUES (?, ?, ?)
    ON DUPLICATE KEY UPDATE points = LAST_INSERT_ID(IF(expire <= ?, ?, points + ?)), expire = IF(expire <= ?, ?, expire)`;
  const end = `SELECT expire FROM ${name} WHERE \`key\` = ?`;
  const rowKey = (key: string) => `${keyPrefix}:${key}`;
  return {
    async add(key, points, now) {
      const newEnd = now + durationMs;
      const result = await run<WriteResult>(table.pool, add, [rowKey(key), points, newEnd, now, points, points, now, newEnd]);
      return result.affectedRows === 1 ? points : result.insertId;
    },
    async endOf(key) {
      const [row] = await run<{ expire: number | string | null }[]>(table.pool, end, [rowKey(key)]);
      return row?.expire === null || row?.expire === undefined ? null : Number(row.expire);
    },
  };
}
