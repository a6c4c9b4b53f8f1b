import {
  createLogger,
  createMysqlDb,
  createPostgresDb,
  createMysqlEventStore,
  randomIds,
  systemClock,
  type Clock,
  type EventStore,
  type IdGenerator,
  type Logger,
} from '@delivery/events';
import type { ApiConfig } from '../config/api-config';
import { createReadModelReads, type ReadModelReads } from '../db/read-model-reads';
import { pingDatabase } from '../health/ping.repository';
import type { OrderChangeFeed } from '../live/order-change-feed';
import type { ApiDatabases, ApiOrdersDatabase } from '../db/api-databases';
import type { MenuDatabase } from '../menu/menu.table';
import type { ReadinessCheck } from '../health/readiness';
import type { DeliveryMetricsSource } from '../http/delivery-metrics';
import { memoryCustomerLimits, mysqlCustomerLimits, type CustomerLimits, type CustomerLimitsConfig } from '../limits/customer-limits';
import { waitSlots, type WaitSlots } from '../limits/wait-slots';

export type { ApiDatabases, ApiOrdersDatabase, DeliveryMetricsSource, ReadinessCheck };

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
  /** Where `order.get` and `order.list` read: the replica (`MYSQL_READ_URL`) while it is healthy, else `db.orders`. */
  readModel: ReadModelReads<ApiOrdersDatabase>;
  /** Live order changes from this instance's own queue; null where nothing consumes (router tests). */
  orderChangeFeed: OrderChangeFeed | null;
  /** Parked and automatically redriven messages for `/metrics`; absent where the API has no bus (router tests). */
  delivery?: DeliveryMetricsSource;
  /** What `/readyz` checks: the databases (unless `db` came in through overrides) and whatever else was given, e.g. RabbitMQ. */
  checks: readonly ReadinessCheck[];
  /** Per-customer limits: in MySQL (shared by every API process) with the services, in memory when `db` came in. */
  limits: CustomerLimits;
  /** How many `order.get` calls with `minVersion` may wait at once in this process. */
  waits: WaitSlots;
}

/** The limits of the configuration, as the limiter takes them. */
export function customerLimitsConfig(config: ApiConfig): CustomerLimitsConfig {
  return { ordersPerWindow: config.ORDER_RATE_LIMIT, windowSeconds: config.ORDER_RATE_WINDOW_S, openSubscriptions: config.SUBSCRIPTION_LIMIT };
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
    menu: remember(opened, createPostgresDb<MenuDatabase>(config.POSTGRES_URL)),
    orders: remember(opened, createMysqlDb<ApiOrdersDatabase>(config.MYSQL_URL)),
  };
  // A replica only beside the MySQL primary opened here: an injected database (embedded mode, tests) has none.
  const replica = !overrides.db && config.MYSQL_READ_URL ? remember(opened, createMysqlDb<ApiOrdersDatabase>(config.MYSQL_READ_URL)) : undefined;
  const readModel = overrides.readModel ?? createReadModelReads({ primary: db.orders, replica, logger });
  // Databases opened here are checked here; databases handed in come with their own checks.
  const databaseChecks: ReadinessCheck[] = overrides.db
    ? []
    : [
        { name: 'mysql', check: () => pingDatabase(db.orders) },
        { name: 'postgres', check: () => pingDatabase(db.menu) },
      ];
  const limits =
    overrides.limits ??
    (overrides.db
      ? memoryCustomerLimits(customerLimitsConfig(config))
      : remember(opened, asResource(mysqlCustomerLimits(config.MYSQL_URL, customerLimitsConfig(config), logger))));
  const deps: AppDeps = {
    config,
    logger,
    clock,
    ids: overrides.ids ?? randomIds,
    db,
    eventStore: overrides.eventStore ?? createMysqlEventStore({ db: db.orders, clock, logger }),
    readModel,
    orderChangeFeed: overrides.orderChangeFeed ?? null,
    checks: [...databaseChecks, ...(overrides.checks ?? [])],
    limits,
    waits: overrides.waits ?? waitSlots(config.MAX_CONCURRENT_WAITS),
    ...(overrides.delivery ? { delivery: overrides.delivery } : {}),
  };
  return {
    deps,
    async close() {
      readModel.close();
      await Promise.allSettled(opened.map((resource) => resource.destroy()));
    },
  };
}

function asResource(limits: CustomerLimits): CustomerLimits & { destroy(): Promise<void> } {
  return { ...limits, destroy: () => limits.close() };
}

function remember<T extends { destroy(): Promise<void> }>(list: { destroy(): Promise<void> }[], resource: T): T {
  list.push(resource);
  return resource;
}
