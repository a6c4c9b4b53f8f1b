import type { MiddlewareHandler } from 'hono';
import type { AuthVariables } from '../auth/authenticate-first';
import { errorResponseBody } from '../http/error-body';
import type { RequestLoggerVariables } from '../http/request-logger';
import type { CustomerLimits } from './customer-limits';
import { TooManyRequestsError } from './too-many-requests.error';

/** `body`, calling `end` once when it is read to its end, fails, or is cancelled (the client left). */
function onStreamEnd(body: ReadableStream<Uint8Array>, end: () => Promise<void>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    void end();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
}

/**
 * A customer's live subscription (`order.onStatusChange`, an SSE response) holds one of its slots for as
 * long as the response streams. Checked here, before tRPC, because tRPC answers every subscription with
 * 200 and puts errors inside the stream: a client over its limit gets a real 429 with `Retry-After`.
 * Vendors and admins (staff, the vendor worker) are not limited.
 * @example app.use('/trpc/order.onStatusChange', subscriptionSlots(deps.limits));
 */
export function subscriptionSlots(limits: CustomerLimits): MiddlewareHandler<{ Variables: RequestLoggerVariables & AuthVariables }> {
  return async function subscriptionSlots(c, next) {
    const user = c.get('user');
    if (!user || user.role !== 'customer') return next();
    let release: () => Promise<void>;
    try {
      release = await limits.openSubscription(user.sub);
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      const body = errorResponseBody('TOO_MANY_REQUESTS', error.message, c.get('requestId'));
      return c.json({ error: { ...body.error, data: { ...body.error.data, retryAfterSeconds: error.retryAfterSeconds } } }, 429);
    }
    try {
      await next();
    } catch (error) {
      await release();
      throw error;
    }
    const response = c.res;
    if (!response.body) return release();
    c.res = new Response(onStreamEnd(response.body, release), { status: response.status, headers: response.headers });
  };
}
