import type { Context, Env, MiddlewareHandler } from 'hono';
import { bodyLimit as streamedBodyLimit } from 'hono/body-limit';

export interface BodyLimitOptions<E extends Env> {
  maxBytes: number;
  /** The 413 answer. */
  refuse(c: Context<E>): Response | Promise<Response>;
}

/**
 * Hono's body limit, judged from the headers where they say all it needs. Hono's own first reads
 * `c.req.raw.body`, which makes @hono/node-server build a whole web Request (a ReadableStream over the
 * socket) for every request, a GET's too, and the tRPC handler then reads the body through that stream
 * instead of straight from the socket: about an eighth of an `order.place`'s CPU. So, as Hono's decides:
 * a GET or HEAD carries no body; a body that announces its length (and no Transfer-Encoding) is judged
 * by it (Node's parser reads no more than that); only a streamed body goes through Hono's, counted as it comes.
 * @example app.use(bodyLimit({ maxBytes: 1_048_576, refuse: (c) => c.json({ error: 'too large' }, 413) }));
 */
export function bodyLimit<E extends Env>(options: BodyLimitOptions<E>): MiddlewareHandler<E> {
  const streamed = streamedBodyLimit({ maxSize: options.maxBytes, onError: options.refuse });
  return async function bodyLimit(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const announced = c.req.header('content-length');
    if (announced !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(announced, 10) > options.maxBytes ? options.refuse(c) : next();
    }
    return streamed(c, next);
  };
}
