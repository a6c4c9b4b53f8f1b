import type { Logger } from '@delivery/events';
import { createPool, type Pool } from 'mysql2';
import { RateLimiterMemory, RateLimiterMySQL, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimitWindows } from './rate-limit.repository';
import { sharedWindowLimiter } from './shared-window-limiter';
import { TooManyRequestsError } from './too-many-requests.error';

/** How much one customer may do: orders per window, subscriptions open at once. */
export interface CustomerLimitsConfig {
  ordersPerWindow: number;
  windowSeconds: number;
  openSubscriptions: number;
}

export interface CustomerLimits {
  /**
   * Counts one order placement against the customer's window.
   * @throws TooManyRequestsError when the window is full, saying when the oldest placement leaves it.
   */
  placeOrder(customerId: string): Promise<void>;
  /**
   * Takes one of the customer's subscription slots; call the returned release when the subscription ends.
   * @throws TooManyRequestsError when every slot is taken.
   */
  openSubscription(customerId: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * A slot is given back when its subscription ends; if the process holding it dies first, the slot
 * expires after this long, so a crash does not lock a customer out for good.
 */
const SUBSCRIPTION_SLOT_TTL_S = 3_600;
const RATE_LIMIT_TABLE = 'rate_limits';
const ORDER_PLACE = 'order-place';

function limitsOn(
  orders: { consume(key: string): Promise<unknown> },
  subscriptions: RateLimiterAbstract,
  limits: CustomerLimitsConfig,
  options: { ready: Promise<unknown>; close(): Promise<void> },
): CustomerLimits {
  const refused = (what: string) => (rejection: unknown) => {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new TooManyRequestsError(`${what}; try again in ${retryAfterSeconds} s`, retryAfterSeconds);
  };
  return {
    async placeOrder(customerId) {
      await options.ready;
      await orders.consume(customerId).catch(refused(`at most ${limits.ordersPerWindow} orders per ${limits.windowSeconds} s per customer`));
    },
    async openSubscription(customerId) {
      await options.ready;
      await subscriptions.consume(customerId).catch(async (rejection: unknown) => {
        // A refused consume still counted a point: give it back, or every refusal would hold a slot.
        if (rejection instanceof RateLimiterRes) await subscriptions.reward(customerId).catch(() => undefined);
        return refused(`at most ${limits.openSubscriptions} open subscriptions per customer; close one first`)(rejection);
      });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await subscriptions.reward(customerId).catch(() => undefined);
      };
    },
    close: options.close,
  };
}

/**
 * Limits kept in this process's memory: for the embedded mode, where one process serves every request.
 * @example const limits = memoryCustomerLimits({ ordersPerWindow: 30, windowSeconds: 60, openSubscriptions: 20 });
 */
export function memoryCustomerLimits(limits: CustomerLimitsConfig): CustomerLimits {
  return limitsOn(
    new RateLimiterMemory({ keyPrefix: ORDER_PLACE, points: limits.ordersPerWindow, duration: limits.windowSeconds }),
    new RateLimiterMemory({ keyPrefix: 'open-subscriptions', points: limits.openSubscriptions, duration: SUBSCRIPTION_SLOT_TTL_S }),
    limits,
    { ready: Promise.resolve(), close: async () => undefined },
  );
}

/**
 * Limits kept in MySQL (table `rate_limits` of the orders database, created by rate-limiter-flexible when
 * missing), so every API process counts against the same numbers. While MySQL does not answer, each
 * process falls back to counting in its own memory rather than refusing or admitting everyone.
 * @example const limits = mysqlCustomerLimits('mysql://root@127.0.0.1:3306/delivery_system', config, logger);
 */
export function mysqlCustomerLimits(mysqlUrl: string, limits: CustomerLimitsConfig, logger: Logger): CustomerLimits {
  const pool: Pool = createPool({ uri: mysqlUrl, connectionLimit: 4 });
  const dbName = decodeURIComponent(new URL(mysqlUrl).pathname.replace(/^\//, ''));
  const tables: Promise<void>[] = [];
  const store = (keyPrefix: string, points: number, duration: number) => {
    let created!: () => void;
    tables.push(new Promise<void>((resolve) => (created = resolve)));
    return new RateLimiterMySQL(
      {
        storeClient: pool,
        storeType: 'pool',
        dbName,
        tableName: RATE_LIMIT_TABLE,
        keyPrefix,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      },
      (error?: Error) => {
        if (error) logger.error({ err: error }, `rate limits: could not create the table; counting in memory (${keyPrefix})`);
        created();
      },
    );
  };
  // Placements are the hot path: one statement per placement (fewer under load), not rate-limiter-flexible's
  // transaction of four, on the same rows. The table is still created by rate-limiter-flexible, above.
  const insurance = new RateLimiterMemory({ keyPrefix: ORDER_PLACE, points: limits.ordersPerWindow, duration: limits.windowSeconds });
  const windowMs = limits.windowSeconds * 1000;
  const orders = sharedWindowLimiter({
    points: limits.ordersPerWindow,
    durationMs: windowMs,
    windows: rateLimitWindows({ pool, dbName, tableName: RATE_LIMIT_TABLE }, ORDER_PLACE, windowMs),
    fallback: (key) => insurance.consume(key),
  });
  return limitsOn(orders, store('open-subscriptions', limits.openSubscriptions, SUBSCRIPTION_SLOT_TTL_S), limits, {
    ready: Promise.all(tables),
    close: () => new Promise<void>((resolve) => pool.end(() => resolve())),
  });
}
