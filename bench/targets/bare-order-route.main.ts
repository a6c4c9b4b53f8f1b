import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createMysqlDb, createMysqlEventStore, orderStreamId } from '@delivery/events';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { orderPlaced } from '../lib/bench-events';

/*
 * The API's floor, a process of its own beside the API's (started by the api scenario): a plain Hono route
 * on @hono/node-server that appends an OrderPlaced of the same shape (the same lines and total as
 * `order.place` records) through the same event store, on a pool of the API's default size. It reads the
 * body but checks nothing: no tRPC, no input validation, no token, no menu pricing, no read of the stream
 * before the append, no request logging. MYSQL_URL (the API's events database) and PORT from the
 * environment; prints one JSON line when it listens; SIGTERM closes it.
 */

const mysqlUrl = process.env.MYSQL_URL;
if (!mysqlUrl) {
  process.stderr.write('bare route: MYSQL_URL is required\n');
  process.exit(1);
}
const db = createMysqlDb(mysqlUrl);
const store = createMysqlEventStore({ db });
const app = new Hono();
app.post('/orders', async (c) => {
  await c.req.text();
  const orderId = randomUUID();
  const result = await store.appendToStream(orderStreamId(orderId), [orderPlaced(orderId)], { expectedVersion: 'no_stream' });
  return c.json({ orderId, version: result.nextExpectedVersion }, 200);
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, () =>
  process.stdout.write(`${JSON.stringify({ msg: 'bare route listening' })}\n`),
) as Server;
let stopping = false;
const stop = () => {
  if (stopping) process.exit(1);
  stopping = true;
  server.close(() =>
    db.destroy().then(
      () => process.exit(0),
      () => process.exit(1),
    ),
  );
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
