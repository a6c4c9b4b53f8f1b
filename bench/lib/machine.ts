import os from 'node:os';
import type { RowDataPacket } from 'mysql2/promise';
import { withMysql, withPostgres } from './throwaway-databases';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  mariadb: string;
  postgres: string;
  /** The settings that decide what a commit costs, for reading the append figures. */
  durability: string;
  date: string;
}

/** What the figures were measured on: the README quotes it beside the table. */
export async function describeMachine(urls: { mysql: string; postgres: string }): Promise<MachineInfo> {
  const [mariadb] = await withMysql(urls.mysql, async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      'select version() as version, @@innodb_flush_log_at_trx_commit as flush, @@innodb_buffer_pool_size as pool',
    );
    return rows;
  });
  const postgres = await withPostgres(urls.postgres, async (client) => {
    const setting = async (name: string) => String((await client.query(`show ${name}`)).rows[0]?.[name] ?? '?');
    return {
      server_version: await setting('server_version'),
      synchronous_commit: await setting('synchronous_commit'),
      fsync: await setting('fsync'),
      shared_buffers: await setting('shared_buffers'),
    };
  });
  const bufferPoolMiB = Math.round(Number(mariadb?.pool ?? 0) / 2 ** 20);
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    mariadb: String(mariadb?.version ?? 'unknown'),
    postgres: postgres.server_version,
    durability:
      `MariaDB innodb_flush_log_at_trx_commit=${String(mariadb?.flush)}, buffer pool ${bufferPoolMiB} MiB; ` +
      `PostgreSQL fsync=${postgres.fsync}, synchronous_commit=${postgres.synchronous_commit}, shared_buffers ${postgres.shared_buffers}`,
    date: new Date().toISOString(),
  };
}
