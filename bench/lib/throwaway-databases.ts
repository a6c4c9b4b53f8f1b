import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { createTestVhost } from '@delivery/events/testing';

/** Only names of this shape are ever created or dropped here: a real database can never match it. */
const THROWAWAY = /^bench_[0-9a-f]{12}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export interface ThrowawayDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Refuses a URL whose host is not this machine: the benchmark loads nothing but local services. */
export function assertLoopback(url: string): void {
  const { hostname } = new URL(url);
  if (!LOOPBACK.has(hostname)) throw new Error(`benchmarks run against 127.0.0.1 only, not ${hostname}`);
}

/**
 * Creates databases named `bench_<hex>` on the local MariaDB and PostgreSQL (and vhosts on the local
 * RabbitMQ) and remembers them, so
 * `dropAll()` (called in a `finally` and on SIGINT) removes every one still there, whatever failed.
 */
export class ThrowawayDatabases {
  private readonly live = new Map<string, ThrowawayDatabase>();

  constructor(private readonly urls: { mysql: string; postgres: string }) {
    assertLoopback(urls.mysql);
    assertLoopback(urls.postgres);
  }

  async mysql(): Promise<ThrowawayDatabase> {
    const name = newName();
    await withMysql(this.urls.mysql, (connection) => connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`));
    return this.remember(name, withDatabase(this.urls.mysql, name), () =>
      withMysql(this.urls.mysql, (connection) => connection.query(`DROP DATABASE IF EXISTS \`${name}\``)),
    );
  }

  async postgres(): Promise<ThrowawayDatabase> {
    const name = newName();
    await withPostgres(this.urls.postgres, (client) => client.query(`CREATE DATABASE "${name}"`));
    // FORCE ends sessions a crashed scenario left open, so the drop cannot hang or fail on them.
    return this.remember(name, withDatabase(this.urls.postgres, name), () =>
      withPostgres(this.urls.postgres, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
    );
  }

  /**
   * A RabbitMQ vhost `bench_<hex>` on the local broker (made and deleted with rabbitmqctl), so queue
   * names stay as in production without touching any other vhost. `url` is its `amqp://` URL.
   */
  async vhost(): Promise<ThrowawayDatabase> {
    const vhost = await createTestVhost('bench');
    assertLoopback(vhost.url);
    return this.remember(vhost.name, vhost.url, () => vhost.drop());
  }

  /** Drops every database (and vhost) still alive; reports the ones that could not be dropped instead of throwing. */
  async dropAll(): Promise<string[]> {
    const failed: string[] = [];
    for (const database of [...this.live.values()]) {
      try {
        await database.drop();
      } catch {
        failed.push(database.name);
      }
    }
    return failed;
  }

  private remember(name: string, url: string, dropNow: () => Promise<unknown>): ThrowawayDatabase {
    if (!THROWAWAY.test(name)) throw new Error(`refusing to manage database ${name}`);
    const database: ThrowawayDatabase = {
      name,
      url,
      drop: async () => {
        await dropNow();
        this.live.delete(name);
      },
    };
    this.live.set(name, database);
    return database;
  }
}

const newName = () => `bench_${randomBytes(6).toString('hex')}`;

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A connection to the server of `url` (to no database), for `work` only. */
export async function withMysql<T>(url: string, work: (connection: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const server = new URL(url);
  server.pathname = '/';
  const connection = await createConnection({ uri: server.toString() });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** A client on the database of `url`, for `work` only. */
export async function withPostgres<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
