import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** Port on 127.0.0.1 that forwards to the target. */
  port: number;
  /** Rewrites a URL of the target (`amqp://...@127.0.0.1:5672/vhost`) to go through the proxy. */
  proxiedUrl(url: string): string;
  /** Destroys every open connection at once, as a network failure would (no protocol close). */
  dropConnections(): void;
  /** Cuts every connection and refuses new ones until `unblock()`: the service looks down to its clients. */
  block(): void;
  unblock(): void;
  /** How many client connections are open now. */
  openConnections(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy for fault tests: connections through it can be cut at will while the real
 * service stays up for everyone else.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let blocked = false;
  const server = createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropConnections = (): void => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    proxiedUrl(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    dropConnections,
    block() {
      blocked = true;
      dropConnections();
    },
    unblock() {
      blocked = false;
    },
    openConnections: () => pairs.size,
    async close() {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
