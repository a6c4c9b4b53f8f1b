import { contextOfTraceparent, inSpan, SpanKind } from '@delivery/events';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

/**
 * One server span per request, continuing the caller's trace when it sends a W3C `traceparent` (the vendor
 * worker does), so an order's placement, its append and what the vendor does with it share one trace.
 * A no-op span while tracing is off.
 */
export function requestTracing(): MiddlewareHandler {
  return async (c, next) => {
    const parent = contextOfTraceparent(c.req.header('traceparent'));
    await inSpan(
      `${c.req.method} ${c.req.path}`,
      { kind: SpanKind.SERVER, parent, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } },
      async (span) => {
        await next();
        span.updateName(`${c.req.method} ${routePath(c, -1)}`);
        span.setAttribute('http.response.status_code', c.res.status);
      },
    );
  };
}
