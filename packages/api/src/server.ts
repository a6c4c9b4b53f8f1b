import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ConfigError, DEV_AUTH_SECRET, isLoopbackHost } from '@delivery/events';
import type { AppDeps } from './deps/app-deps';
import { createApp, type CreateAppOptions } from './app';

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The address and port the socket is bound to, e.g. `0.0.0.0:3000` (every interface) or `127.0.0.1:3000`. */
  listening: string;
  /**
   * Stops accepting connections and waits for open requests; after `graceMs` the connections still
   * open (a long poll, an SSE stream) are cut.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Serves the API on `port` (0 picks a free one), on `HOST` unless `hostname` is given. A client gets
 * `HEADERS_TIMEOUT_MS` to send its headers and `REQUEST_TIMEOUT_MS` to send the whole request, so slow
 * bodies cannot hold connections open (answers and SSE streams are not limited by these).
 * @example const server = await startApiServer(deps, 3000); ... await server.close();
 */
export async function startApiServer(deps: AppDeps, port: number, options: CreateAppOptions & { hostname?: string } = {}): Promise<RunningServer> {
  const app = createApp(deps, options);
  const hostname = options.hostname ?? deps.config.HOST;
  // The configuration refuses this for HOST; a hostname handed in here must not slip past it.
  if (!isLoopbackHost(hostname) && deps.config.AUTH_SECRET === DEV_AUTH_SECRET) {
    throw new ConfigError(`AUTH_SECRET: must be set to listen on ${hostname} (the development default is public)`);
  }
  const { HEADERS_TIMEOUT_MS: headersTimeout, REQUEST_TIMEOUT_MS: requestTimeout } = deps.config;
  const serverOptions = {
    headersTimeout: Math.min(headersTimeout, requestTimeout),
    requestTimeout,
    // Node looks for expired requests this often (30 s by default, longer than the timeouts themselves).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(headersTimeout, requestTimeout) / 2))),
  };
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port, hostname, serverOptions }, () => resolve(created as Server)) as Server;
    created.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  // Every interface includes loopback, which is the address this machine's own clients (the vendor worker) use.
  const reachableHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname.includes(':') ? `[${hostname}]` : hostname;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${reachableHost}:${address.port}`,
    listening: `${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    close({ graceMs = 5_000 } = {}) {
      closing ??= new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
