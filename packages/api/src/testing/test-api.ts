import { silentLogger } from '@delivery/events';
import { createTestMysqlDatabase, createTestPostgresDatabase } from '@delivery/events/testing';
import type { Hono } from 'hono';
import { createApp, type AppEnv, type CreateAppOptions } from '../app';
import { openAppDeps, type AppDeps } from '../deps/app-deps';
import type { AuthUser } from '../auth/jwt';
import { signToken } from '../auth/jwt';
import { loadConfig, type ApiConfig } from '../config/api-config';
import { migrateApiDatabases } from '../db/prepare-databases';
import { seedMenu } from '../menu/seed/menu-seed';
import { createInnerContext } from '../trpc/context';
import { createCaller } from '../router/root.router';

export const TEST_AUTH_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestApiOptions {
  /** Configuration on top of the defaults (the database URLs are always the fresh ones). */
  config?: Partial<ApiConfig>;
  /** Dependencies to use instead of the defaults (clock, ids, logger, checks, ...). */
  deps?: Partial<Omit<AppDeps, 'config' | 'db'>>;
  /** Options of the Hono app behind `request`. */
  app?: CreateAppOptions;
  /** Load the demo menu (default true). */
  seed?: boolean;
}

export interface TestApi {
  deps: AppDeps;
  app: Hono<AppEnv>;
  /** The router called in process, as `user` (null: anonymous). */
  caller(user: AuthUser | null): ReturnType<typeof createCaller>;
  /**
   * An HTTP request to the app, in process: `request('/trpc/menu.food.list')`. `from` is the client's
   * address as the Node server would see it on the socket (none: a call with no socket, not loopback).
   */
  request(path: string, init?: RequestInit, from?: string): Promise<Response>;
  tokens: {
    /** A token for any user, valid for `ttl` (default 1h). */
    of(user: AuthUser, ttl?: string | number): Promise<string>;
    customer(sub?: string, email?: string): Promise<string>;
    vendor(sub?: string): Promise<string>;
    admin(sub?: string): Promise<string>;
  };
  /** Closes the pools and drops both databases. */
  close(): Promise<void>;
}

/**
 * An API on fresh databases of its own (PostgreSQL and MySQL), migrated and seeded, for router tests
 * through `caller` and HTTP tests through `request`. Call `close()` in `afterAll`.
 * @example const api = await createTestApi(); const items = await api.caller(null).menu.food.list();
 */
export async function createTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const [pg, mysql] = await Promise.all([createTestPostgresDatabase(), createTestMysqlDatabase()]);
  const config = {
    // Tests place many orders as one customer in a few seconds; the limits have tests of their own.
    ...loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_AUTH_SECRET, LOG_LEVEL: 'silent', ORDER_RATE_LIMIT: '10000' }),
    ...options.config,
    POSTGRES_URL: pg.url,
    MYSQL_URL: mysql.url,
  };
  const opened = openAppDeps(config, { logger: silentLogger, ...options.deps });
  const { deps } = opened;
  try {
    await migrateApiDatabases(deps.db);
    if (options.seed ?? true) await seedMenu(deps.db.menu);
  } catch (error) {
    await opened.close();
    await Promise.allSettled([pg.drop(), mysql.drop()]);
    throw error;
  }
  const app = createApp(deps, options.app);
  const sign = (user: AuthUser, ttl: string | number = '1h') => signToken(config.AUTH_SECRET, user, ttl, deps.clock.now());
  let requests = 0;

  return {
    deps,
    app,
    caller: (user) => createCaller(createInnerContext(deps, { user, requestId: `test-${++requests}` })),
    request: async (path, init, from) => app.request(path, init, from === undefined ? undefined : { incoming: { socket: { remoteAddress: from } } }),
    tokens: {
      of: sign,
      customer: (sub = 'alice', email = `${sub}@example.com`) => sign({ sub, role: 'customer', email }),
      vendor: (sub = 'vendor') => sign({ sub, role: 'vendor' }),
      admin: (sub = 'admin') => sign({ sub, role: 'admin' }),
    },
    async close() {
      await opened.close();
      await Promise.allSettled([pg.drop(), mysql.drop()]);
    },
  };
}
