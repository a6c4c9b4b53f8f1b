import {
  createAmqpBus,
  createLogger,
  handleProcessLifecycle,
  listParked,
  orderQueueNames,
  startTracing,
  type AmqpBus,
  type Logger,
  type MessageBus,
} from '@delivery/events';
import type { Hono } from 'hono';
import { openAppDeps, type AppDeps, type DeliveryMetricsSource, type ReadinessCheck } from './deps/app-deps';
import { startOrderChangeFeed } from './live/order-change-feed';
import { configWarnings, loadConfig } from './config/api-config';
import { ensureApiDatabases, migrateApiDatabases } from './db/prepare-databases';
import { seedMenu } from './menu/seed/menu-seed';
import { startApiServer, type RunningServer } from './server';

export interface RunningApi {
  url: string;
  /** The address and port the socket is bound to (`HOST`), e.g. `127.0.0.1:3000`. */
  listening: string;
  /** Stops the server (waiting for open requests), then releases what the API opened. */
  stop(): Promise<void>;
}

/**
 * Boots the API from an environment: parse the configuration, create and migrate the databases, seed
 * the demo menu into empty tables, connect to RabbitMQ (live tracking and `/readyz`), then serve.
 * @throws ConfigError naming each bad variable.
 */
export async function startApiProcess(env: Record<string, string | undefined>, logger?: Logger): Promise<RunningApi> {
  const config = loadConfig(env);
  const log = logger ?? createLogger({ name: 'api', level: config.LOG_LEVEL });

  await ensureApiDatabases(config);
  const bus = createAmqpBus({ url: config.AMQP_URL, logger: log, name: 'api' });
  const orderChangeFeed = startOrderChangeFeed({ bus });
  const opened = openAppDeps(config, { logger: log, checks: [busReadiness(bus)], orderChangeFeed, delivery: rabbitmqDeliveryMetrics(bus) });
  return serveApi(opened.deps, {
    async release() {
      await Promise.allSettled([opened.close(), orderChangeFeed.close().then(() => bus.close())]);
    },
  });
}

/**
 * Migrates the API's tables, seeds the demo menu into empty tables and serves `deps` on the configured
 * port, in either mode; `release` closes what the caller opened for `deps`, after the server stopped
 * (or when it could not start).
 * @example const api = await serveApi(deps, { release: () => closeEverything() });
 */
export async function serveApi(deps: AppDeps, options: { hostname?: string; extraRoutes?: Hono; release(): Promise<void> }): Promise<RunningApi> {
  const log = deps.logger;
  let server: RunningServer;
  try {
    const migrated = await migrateApiDatabases(deps.db);
    log.info(migrated, 'databases migrated');
    const seeded = await seedMenu(deps.db.menu);
    if (seeded.food || seeded.bar) log.info(seeded, 'demo menu seeded into empty tables');
    const { hostname, extraRoutes } = options;
    server = await startApiServer(deps, deps.config.PORT, { ...(hostname ? { hostname } : {}), ...(extraRoutes ? { extraRoutes } : {}) });
  } catch (error) {
    await options.release();
    throw error;
  }
  log.info({ url: server.url, listening: server.listening, publicUrl: deps.config.PUBLIC_URL }, `api listening on ${server.listening}`);
  for (const warning of configWarnings(deps.config)) log.warn({}, warning);
  return {
    url: server.url,
    listening: server.listening,
    async stop() {
      await server.close();
      await options.release();
      log.info({}, 'api stopped');
    },
  };
}

/** `/readyz` reports the bus down while it reconnects (RabbitMQ) or after it closed. */
export function busReadiness(bus: MessageBus): ReadinessCheck {
  return {
    name: bus.kind === 'rabbitmq' ? 'rabbitmq' : 'bus',
    async check() {
      if (!bus.isConnected()) throw new Error(`not connected to the ${bus.kind} bus`);
    },
  };
}

/**
 * Runs the API until SIGTERM or SIGINT, then shuts down gracefully within the bound every process keeps
 * (`handleProcessLifecycle`); exits with status 1 when it cannot start.
 */
export async function runApiMain(env: Record<string, string | undefined> = process.env): Promise<void> {
  const lifecycle = handleProcessLifecycle({ logger: createLogger({ name: 'api' }) });
  const tracing = await startTracing({ serviceName: 'api', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  let api: RunningApi;
  try {
    api = await startApiProcess(env);
  } catch (error) {
    process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.cause) process.stderr.write(`  cause: ${String(error.cause)}\n`);
    process.exit(1);
  }
  lifecycle.setStop(async () => {
    await api.stop();
    await tracing.shutdown();
  });
}

/**
 * Parked messages counted in RabbitMQ's parking queues. The workers are other processes: what they put back
 * by themselves is in their logs ("put back messages parked while a dependency was down"), not here.
 */
function rabbitmqDeliveryMetrics(bus: AmqpBus): DeliveryMetricsSource {
  return {
    async parkedCounts() {
      const counts: Record<string, number> = {};
      // Opening a channel waits for the connection: while RabbitMQ is away the figure is left out instead.
      if (!bus.isConnected()) return counts;
      for (const queue of orderQueueNames) counts[queue] = (await listParked(bus.connection, queue, 0)).total;
      return counts;
    },
    autoRedrives: () => [],
  };
}
