import type { RowDataPacket } from 'mysql2/promise';
import { withMysql, withPostgres } from './throwaway-databases';

/*
 * Server-wide counters read around a measurement, to tell what an append costs the server beyond its
 * statements: log flushes, log volume, row-lock waits. They are global to the server, so anything else
 * running on it at the time (other databases, other people's tests) is counted too.
 */

export type ServerCounters = Record<string, number>;

const MARIADB_COUNTERS: Record<string, string> = {
  Innodb_log_writes: 'redo log writes',
  Innodb_data_fsyncs: 'fsyncs',
  Innodb_os_log_written: 'redo log bytes',
  Innodb_row_lock_waits: 'row lock waits',
  Innodb_row_lock_time: 'row lock wait ms',
};

/** MariaDB's global InnoDB log and row-lock counters (read through a connection of its own, to no database). */
export const mariadbCounters = (serverUrl: string): Promise<ServerCounters> =>
  withMysql(serverUrl, async (connection) => {
    const names = Object.keys(MARIADB_COUNTERS);
    const [rows] = await connection.query<RowDataPacket[]>(`show global status where variable_name in (${names.map(() => '?').join(', ')})`, names);
    return Object.fromEntries(rows.map((row) => [MARIADB_COUNTERS[String(row.Variable_name)] ?? String(row.Variable_name), Number(row.Value)]));
  });

/** PostgreSQL's WAL position in bytes (global; it only grows), read through the maintenance database. */
export function postgresCounters(serverUrl: string): Promise<ServerCounters> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  return withPostgres(url.toString(), async (client) => {
    const { rows } = await client.query<{ wal: string }>(`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::text as wal`);
    return { 'WAL bytes': Number(rows[0]?.wal ?? 0) };
  });
}

export function diffCounters(later: ServerCounters, earlier: ServerCounters): ServerCounters {
  return Object.fromEntries(Object.entries(later).map(([name, value]) => [name, value - (earlier[name] ?? 0)]));
}

export function addCounters(a: ServerCounters, b: ServerCounters): ServerCounters {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Object.fromEntries([...names].map((name) => [name, (a[name] ?? 0) + (b[name] ?? 0)]));
}
