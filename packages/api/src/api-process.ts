import { createAmqpConnection, createLogger, type AmqpConnection, type Logger } from '@delivery/events';
import { openAppDeps, type ReadinessCheck } from './app-deps';
import { startOrderChangeFeed } from './live/order-change-feed';
import { configWarnings, loadConfig } from './config';
import { ensureApiDatabases, migrateApiDatabases } from './db/prepare-databases';
import { seedMenu } from './menu/seed/menu-seed';
import { startApiServer, type RunningServer } from './server';

export interface RunningApi {
  url: string;
  /** Stops the server (waiting for open requests), then closes the pools and the broker connection. */
  stop(): Promise<void>;
}

/**
 * Boots the API from an environment: parse the configuration, create and migrate the databases, seed
 * the demo menu into empty tables, connect to RabbitMQ (for `/readyz`), then serve.
 * @throws ConfigError naming each bad variable.
 */
export async function startApiProcess(env: Record<string, string | undefined>, logger?: Logger): Promise<RunningApi> {
  const config = loadConfig(env);
  const log = logger ?? createLogger({ name: 'api', level: config.LOG_LEVEL });
  for (const warning of configWarnings(config)) log.warn({}, warning);

  await ensureApiDatabases(config);
  const amqp = createAmqpConnection({ url: config.AMQP_URL, logger: log, name: 'api' });
  const orderChangeFeed = startOrderChangeFeed({ connection: amqp, logger: log });
  const { deps, close } = openAppDeps(config, { logger: log, checks: [rabbitmqCheck(amqp)], orderChangeFeed });
  let server: RunningServer | undefined;
  try {
    const migrated = await migrateApiDatabases(deps.db);
    log.info(migrated, 'databases migrated');
    const seeded = await seedMenu(deps.db.pg);
    if (seeded.food || seeded.bar) log.info(seeded, 'demo menu seeded into empty tables');
    server = await startApiServer(deps, config.PORT);
  } catch (error) {
    await Promise.allSettled([close(), orderChangeFeed.close().then(() => amqp.close())]);
    throw error;
  }
  const running = server;
  log.info({ url: running.url }, 'api listening');
  return {
    url: running.url,
    async stop() {
      await running.close();
      await Promise.allSettled([close(), orderChangeFeed.close().then(() => amqp.close())]);
      log.info({}, 'api stopped');
    },
  };
}

function rabbitmqCheck(amqp: AmqpConnection): ReadinessCheck {
  return {
    name: 'rabbitmq',
    async check() {
      if (!amqp.current()) throw new Error('not connected to RabbitMQ');
    },
  };
}

/**
 * Runs the API until SIGTERM or SIGINT, then shuts down gracefully; a second signal exits at once.
 * Exits with status 1 when it cannot start.
 */
export async function runApiMain(env: Record<string, string | undefined> = process.env): Promise<void> {
  let api: RunningApi;
  try {
    api = await startApiProcess(env);
  } catch (error) {
    process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.cause) process.stderr.write(`  cause: ${String(error.cause)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`${signal} received, shutting down\n`);
    api.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
