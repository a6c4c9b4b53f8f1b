import { authenticate, errorResponseBody, InvalidTokenError } from '@delivery/api';
import { isOrderQueue } from '@delivery/events';
import { Hono, type Context } from 'hono';
import { streamText } from 'hono/streaming';
import { z } from 'zod';
import type { OperatorActions } from './operator-actions';

const RetryOutboxBody = z.object({ ids: z.union([z.literal('all'), z.array(z.string().regex(/^\d{1,20}$/)).max(10_000)]) });

/** JSON with bigints as decimal strings (positions). */
const toJson = (value: unknown): string => JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? field.toString() : field));

/**
 * `/ops/...`: the operators' CLI reaching an embedded server that holds the data folder, so `replay`,
 * `outbox` and `parked` behave as with the services while it runs. Admin tokens only. The replay answers
 * NDJSON: `{"progress":...}` lines, then `{"result":...}` or `{"error":"..."}`.
 * @example app.route('/', operatorRoutes(actions, config.AUTH_SECRET));
 */
export function operatorRoutes(actions: OperatorActions, authSecret: string): Hono {
  const app = new Hono();
  app.use('/ops/*', async (c, next) => {
    const user = await authenticate(c.req.header('authorization'), authSecret, new Date()).catch((error: unknown) => {
      if (error instanceof InvalidTokenError) return null;
      throw error;
    });
    if (user?.role !== 'admin') return c.json(errorResponseBody('FORBIDDEN', 'an admin token is required'), 403);
    await next();
  });
  app.post('/ops/replay/orders', (c) =>
    streamText(c, async (stream) => {
      try {
        const result = await actions.replayOrders({
          restart: c.req.query('restart') === 'true',
          skipUnreadable: c.req.query('skipUnreadable') === 'true',
          onProgress: (progress) => void stream.writeln(toJson({ progress })),
        });
        await stream.writeln(toJson({ result }));
      } catch (error) {
        // The name lets the CLI tell an unreadable event (which it can offer to skip) from other failures.
        await stream.writeln(toJson(error instanceof Error ? { error: error.message, errorName: error.name } : { error: String(error) }));
      }
    }),
  );
  app.get('/ops/outbox', async (c) => c.json(await actions.outboxStatus()));
  app.get('/ops/outbox/set-aside', async (c) => c.json(await actions.listSetAsideOutbox(Number(c.req.query('limit') ?? 50) || 50)));
  app.post('/ops/outbox/retry', async (c) => {
    const body = RetryOutboxBody.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json(errorResponseBody('BAD_REQUEST', 'ids: must be "all" or a list of outbox row ids'), 400);
    return c.json({ retried: await actions.retryOutbox(body.data.ids) });
  });
  const queueOf = (c: Context) => {
    const queue = c.req.param('queue') ?? '';
    return isOrderQueue(queue) ? queue : null;
  };
  const unknownQueue = (c: Context) => c.json(errorResponseBody('NOT_FOUND', `unknown queue "${c.req.param('queue') ?? ''}"`), 404);
  app.get('/ops/parked/:queue', async (c) => {
    const queue = queueOf(c);
    return queue ? c.json(await actions.listParked(queue)) : unknownQueue(c);
  });
  app.post('/ops/parked/:queue/redrive', async (c) => {
    const queue = queueOf(c);
    return queue ? c.json({ moved: await actions.redriveParked(queue) }) : unknownQueue(c);
  });
  return app;
}
