import {
  createLogger,
  createMysqlDb,
  createPostgresDb,
  createMysqlEventStore,
  randomIds,
  systemClock,
  type Clock,
  type EventStore,
  type EventStoreDatabase,
  type IdGenerator,
  type Logger,
} from '@delivery/events';
import type { ProjectionsDatabase } from '@delivery/projections';
import type { Kysely } from 'kysely';
import type { ApiConfig } from './config';
import type { OrderChangeFeed } from './live/order-change-feed';
import type { MenuDatabase } from './menu/menu.table';

/** The API's MySQL database: the event store and the read model live side by side. */
export type ApiMysqlDatabase = EventStoreDatabase & ProjectionsDatabase;

export interface ApiDatabases {
  /** The menu. */
  pg: Kysely<MenuDatabase>;
  /** The event store and the read model. */
  mysql: Kysely<ApiMysqlDatabase>;
}

/** One thing `/readyz` checks: resolves when reachable, throws (or times out) when not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * Everything the API's handlers need, built once at start and shared by every request. Add a field here
 * (with its construction in `openAppDeps`) and every tRPC context carries it.
 */
export interface AppDeps {
  config: ApiConfig;
  logger: Logger;
  clock: Clock;
  ids: IdGenerator;
  db: ApiDatabases;
  eventStore: EventStore;
  /** Live order changes from this instance's own queue; null where nothing consumes (router tests). */
  orderChangeFeed: OrderChangeFeed | null;
  /** Readiness checks beyond the two databases (which `/readyz` always checks), e.g. RabbitMQ. */
  checks: readonly ReadinessCheck[];
}

export interface OpenAppDeps {
  deps: AppDeps;
  /** Releases what `openAppDeps` opened (pools); what came in through `overrides` stays the caller's. */
  close(): Promise<void>;
}

/**
 * Opens the database pools and builds the dependencies from the configuration. It neither creates
 * databases nor migrates: see `prepareDatabases`.
 * @example const { deps, close } = openAppDeps(loadConfig(process.env));
 */
export function openAppDeps(config: ApiConfig, overrides: Partial<AppDeps> = {}): OpenAppDeps {
  const logger = overrides.logger ?? createLogger({ name: 'api', level: config.LOG_LEVEL });
  const clock = overrides.clock ?? systemClock;
  const opened: { destroy(): Promise<void> }[] = [];
  const db = overrides.db ?? {
    pg: remember(opened, createPostgresDb<MenuDatabase>(config.POSTGRES_URL)),
    mysql: remember(opened, createMysqlDb<ApiMysqlDatabase>(config.MYSQL_URL)),
  };
  const deps: AppDeps = {
    config,
    logger,
    clock,
    ids: overrides.ids ?? randomIds,
    db,
    eventStore: overrides.eventStore ?? createMysqlEventStore({ db: db.mysql, clock, logger }),
    orderChangeFeed: overrides.orderChangeFeed ?? null,
    checks: overrides.checks ?? [],
  };
  return {
    deps,
    async close() {
      await Promise.allSettled(opened.map((resource) => resource.destroy()));
    },
  };
}

function remember<T extends { destroy(): Promise<void> }>(list: { destroy(): Promise<void> }[], resource: T): T {
  list.push(resource);
  return resource;
}
