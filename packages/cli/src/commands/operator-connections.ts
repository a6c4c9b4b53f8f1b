import { loadConfig, type ApiOrdersDatabase } from '@delivery/api';
import { createAmqpConnection, createMysqlDb, silentLogger, type AmqpConnection } from '@delivery/events';
import type { Kysely } from 'kysely';

/** The MySQL pool an operator command needs, closed after `use` whatever happens. */
export async function withMysql<T>(env: Record<string, string | undefined>, use: (db: Kysely<ApiOrdersDatabase>) => Promise<T>): Promise<T> {
  const db = createMysqlDb<ApiOrdersDatabase>(loadConfig(env).MYSQL_URL, { poolSize: 2 });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/** A RabbitMQ connection for one operator command, closed after `use`. */
export async function withAmqp<T>(env: Record<string, string | undefined>, use: (connection: AmqpConnection) => Promise<T>): Promise<T> {
  const connection = createAmqpConnection({ url: loadConfig(env).AMQP_URL, logger: silentLogger, name: 'cli' });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}
