import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AppDeps } from './app-deps';
import { createApp, type CreateAppOptions } from './app';

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /**
   * Stops accepting connections and waits for open requests; after `graceMs` the connections still
   * open (a long poll, an SSE stream) are cut.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Serves the API on `port` (0 picks a free one).
 * @example const server = await startApiServer(deps, 3000); ... await server.close();
 */
export async function startApiServer(
  deps: AppDeps,
  port: number,
  options: CreateAppOptions & { hostname?: string } = {},
): Promise<RunningServer> {
  const app = createApp(deps, options);
  const hostname = options.hostname ?? '0.0.0.0';
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port, hostname }, () => resolve(created as Server)) as Server;
    created.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
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
