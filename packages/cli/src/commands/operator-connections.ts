import { loadConfig, type ApiOrdersDatabase } from '@delivery/api';
import {
  countEventsAfter,
  countPostgresEventsAfter,
  createAmqpConnection,
  createMysqlDb,
  createMysqlEventStore,
  createPgliteDb,
  createPostgresEventStore,
  folderQueueStorage,
  silentLogger,
  type AmqpConnection,
  type EventStore,
  type QueueStorage,
} from '@delivery/events';
import type { Kysely } from 'kysely';
import { dataDirOf, embeddedPaths, lockDataDir } from '../embedded/data-dir';
import { resolveDeliveryMode } from '../embedded/delivery-mode';

/** The orders database as an operator command needs it, in either mode. */
export interface OrdersAccess {
  db: Kysely<ApiOrdersDatabase>;
  store: EventStore;
  countEventsAfter(position: bigint): Promise<number>;
}

/**
 * Opens the event store and read model for one operator command, closed after `use` whatever happens:
 * MySQL with the services; in embedded mode the PGlite database in `DATA_DIR`, which only one process
 * may hold (a running embedded server makes this throw `DataDirInUseError` naming it).
 */
export async function withOrders<T>(env: Record<string, string | undefined>, use: (orders: OrdersAccess) => Promise<T>): Promise<T> {
  if ((await resolveDeliveryMode(env)).mode === 'embedded') {
    return withEmbeddedData(env, async ({ pglite }) => {
      const db = await createPgliteDb<ApiOrdersDatabase>({ dataDir: pglite });
      try {
        return await use({ db, store: createPostgresEventStore({ db }), countEventsAfter: (position) => countPostgresEventsAfter(db, position) });
      } finally {
        await db.destroy();
      }
    });
  }
  const db = createMysqlDb<ApiOrdersDatabase>(loadConfig(env).MYSQL_URL, { poolSize: 2 });
  try {
    return await use({ db, store: createMysqlEventStore({ db }), countEventsAfter: (position) => countEventsAfter(db, position) });
  } finally {
    await db.destroy();
  }
}

/** The parked messages for one operator command: RabbitMQ's parking queues, or the embedded bus's folders. */
export type ParkedAccess = { kind: 'rabbitmq'; connection: AmqpConnection } | { kind: 'in-process'; storage: QueueStorage };

export async function withParked<T>(env: Record<string, string | undefined>, use: (parked: ParkedAccess) => Promise<T>): Promise<T> {
  if ((await resolveDeliveryMode(env)).mode === 'embedded') {
    return withEmbeddedData(env, ({ bus }) => use({ kind: 'in-process', storage: folderQueueStorage(bus) }));
  }
  const connection = createAmqpConnection({ url: loadConfig(env).AMQP_URL, logger: silentLogger, name: 'cli' });
  try {
    return await use({ kind: 'rabbitmq', connection });
  } finally {
    await connection.close();
  }
}

async function withEmbeddedData<T>(env: Record<string, string | undefined>, use: (paths: ReturnType<typeof embeddedPaths>) => Promise<T>): Promise<T> {
  const dataDir = dataDirOf(env);
  const lock = await lockDataDir(dataDir);
  try {
    return await use(embeddedPaths(dataDir));
  } finally {
    await lock.release();
  }
}
