import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createMysqlDb, createMysqlEventStore, orderStreamId } from '@delivery/events';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { orderPlaced } from '../lib/bench-events';

export interface BareOrderRoute {
  /** `POST` a JSON body here to place an order. */
  url: string;
  close(): Promise<void>;
}

/**
 * The API's floor: a plain Hono route on @hono/node-server that appends an OrderPlaced of the same shape
 * (the same lines and total as `order.place` records) through the same event store, on a pool of the
 * API's default size. It reads the body but checks nothing: no tRPC, no input validation, no token, no
 * menu pricing, no read of the stream before the append, no request logging. The api scenario runs it
 * in a process of its own (`bare-order-route.main.ts`), as the API runs in its own.
 */
export async function startBareOrderRoute(mysqlUrl: string, port = 0): Promise<BareOrderRoute> {
  const db = createMysqlDb(mysqlUrl);
  const store = createMysqlEventStore({ db });
  const app = new Hono();
  app.post('/orders', async (c) => {
    await c.req.text();
    const orderId = randomUUID();
    const result = await store.appendToStream(orderStreamId(orderId), [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
    return c.json({ orderId, version: result.nextExpectedVersion }, 200);
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(created as Server)) as Server;
    created.once('error', reject);
  });
  const { port: listening } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${listening}/orders`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await db.destroy();
    },
  };
}
