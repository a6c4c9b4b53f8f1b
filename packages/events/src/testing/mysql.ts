import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { ensureMysqlDatabase } from '../db/mysql-database';

const baseUrl = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh MySQL database of this test's own, dropped by `drop()`. */
export async function createTestMysqlDatabase(prefix = 'dt'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(name, baseUrl).toString();
  await ensureMysqlDatabase(url);
  return {
    url,
    async drop() {
      const connection = await createConnection({ uri: baseUrl });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
