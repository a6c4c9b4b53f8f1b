import { createConnection } from 'mysql2/promise';
import { ensureMysqlDatabase } from '../db/mysql-database';
import { createTestDatabase, type TestDatabase } from './test-database';

const baseUrl = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

/** A fresh MySQL database of this test's own, dropped by `drop()`. */
export function createTestMysqlDatabase(prefix = 'dt'): Promise<TestDatabase> {
  return createTestDatabase(
    {
      urlOf: (name) => new URL(name, baseUrl).toString(),
      create: ensureMysqlDatabase,
      async drop(name) {
        const connection = await createConnection({ uri: baseUrl });
        try {
          await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
        } finally {
          await connection.end();
        }
      },
    },
    prefix,
  );
}
