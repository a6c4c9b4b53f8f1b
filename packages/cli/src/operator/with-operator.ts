import { loadConfig, signToken, type ApiOrdersDatabase } from '@delivery/api';
import {
  createAmqpConnection,
  createMysqlDb,
  createMysqlEventStore,
  createPgliteDb,
  createPostgresEventStore,
  folderQueueStorage,
  silentLogger,
  type AmqpConnection,
} from '@delivery/events';
import { DataDirInUseError, dataDirOf, embeddedPaths, lockDataDir } from '../mode/data-dir';
import { resolveDeliveryMode } from '../mode/delivery-mode';
import { amqpParked, ordersOperator, storedParked, type OperatorActions } from './operator-actions';
import { remoteOperator } from './remote-operator';

type Env = Record<string, string | undefined>;

/**
 * Runs one operator command against the system, closing what it opened afterwards:
 * - with the services: MySQL and RabbitMQ;
 * - embedded, server stopped: the data folder itself (locked meanwhile, so no server starts on it);
 * - embedded, server running: the server, through its `/ops` routes with an admin token signed with
 *   AUTH_SECRET (PGlite has one session per folder, so the server does the work).
 * @example await withOperator(process.env, (actions) => actions.outboxStatus());
 */
export async function withOperator<T>(env: Env, use: (actions: OperatorActions) => Promise<T>): Promise<T> {
  if ((await resolveDeliveryMode(env)).mode === 'services') return withServices(env, use);
  const dataDir = dataDirOf(env);
  let lock;
  try {
    lock = await lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError) || !error.url) throw error;
    const token = await signToken(loadConfig(env).AUTH_SECRET, { sub: 'operator-cli', role: 'admin' }, '1h');
    return use(remoteOperator(error.url, token));
  }
  try {
    const paths = embeddedPaths(dataDir);
    const db = await createPgliteDb<ApiOrdersDatabase>({ dataDir: paths.pglite });
    try {
      const parked = storedParked(folderQueueStorage(paths.bus));
      return await use(ordersOperator({ db, store: createPostgresEventStore({ db }), parked }));
    } finally {
      await db.destroy();
    }
  } finally {
    await lock.release();
  }
}

async function withServices<T>(env: Env, use: (actions: OperatorActions) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const db = createMysqlDb<ApiOrdersDatabase>(config.MYSQL_URL, { poolSize: 2 });
  // Only `parked` needs RabbitMQ: the connection is opened on its first use.
  const opened: { connection?: AmqpConnection } = {};
  const amqp = () => (opened.connection ??= createAmqpConnection({ url: config.AMQP_URL, logger: silentLogger, name: 'cli' }));
  try {
    const store = createMysqlEventStore({ db });
    return await use(ordersOperator({ db, store, parked: amqpParked(amqp) }));
  } finally {
    await Promise.allSettled([db.destroy(), opened.connection?.close()]);
  }
}
