import { DEV_AUTH_SECRET, signToken, type AuthUser } from '@delivery/api';
import { createLogger, silentLogger } from '@delivery/events';
import { startEmbeddedSystem, type RunningEmbeddedSystem } from './embedded-system';

export { startEmbeddedSystem, type EmbeddedSystemOptions, type RunningEmbeddedSystem } from './embedded-system';
export { resolveDeliveryMode, type DeliveryMode } from '../mode/delivery-mode';

export interface EmbeddedServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Keep the data in this folder across restarts; in memory (the default) it is gone after `stop()`. */
  dataDir?: string | null;
  /** How long the vendor waits between accepting and delivering (default 0 here: tests should not wait). */
  deliveryDelayMs?: number;
  /** Signs and checks tokens; a development secret by default. */
  authSecret?: string;
  /** `silent` by default; `info` or `debug` to see the system's log on stdout. */
  logLevel?: string;
  /**
   * Any other configuration variable of the README's table, such as `ORDER_RATE_LIMIT` for a suite that
   * places more orders per customer than the default limit (30 a minute) allows.
   */
  env?: Record<string, string>;
}

export interface EmbeddedServer extends RunningEmbeddedSystem {
  /** A token the server accepts, for `createDeliveryClient({ url, token })`. */
  token(user: AuthUser): Promise<string>;
}

/**
 * The whole delivery system (API and every worker, demo menu included) on a free loopback port, in this
 * process, with no database or broker to install: for client apps' tests.
 * @example
 * const server = await startEmbeddedServer();
 * const client = createDeliveryClient({ url: server.url, token: await server.token({ sub: 'alice', role: 'customer', email: 'alice@example.com' }) });
 * const order = await client.order.place.mutate({ items: [{ kind: 'food', id: 1, quantity: 2 }] });
 * await server.stop();
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const authSecret = options.authSecret ?? DEV_AUTH_SECRET;
  const level = options.logLevel ?? 'silent';
  const system = await startEmbeddedSystem({
    dataDir: options.dataDir ?? null,
    hostname: '127.0.0.1',
    logger: level === 'silent' ? silentLogger : createLogger({ name: 'embedded', level }),
    env: {
      ...options.env,
      NODE_ENV: 'test',
      PORT: String(options.port ?? 0),
      AUTH_SECRET: authSecret,
      DELIVERY_DELAY_MS: String(options.deliveryDelayMs ?? 0),
      LOG_LEVEL: level,
    },
  });
  return { ...system, token: (user) => signToken(authSecret, user, '1h') };
}
