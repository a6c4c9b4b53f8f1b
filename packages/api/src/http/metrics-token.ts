import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorResponseBody } from './error-body';
import type { RequestLoggerVariables } from './request-logger';

const same = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * `/metrics` behind `METRICS_TOKEN` when one is set: Prometheus sends it as `Authorization: Bearer <token>`
 * (`authorization.credentials` in a scrape config). Unset, the figures are public, as before.
 */
export function metricsToken(token: string | undefined): MiddlewareHandler<{ Variables: RequestLoggerVariables }> {
  return async function metricsToken(c, next) {
    if (token === undefined) return next();
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (sent !== undefined && same(sent, token)) return next();
    return c.json(errorResponseBody('UNAUTHORIZED', 'send the metrics token: "Authorization: Bearer <METRICS_TOKEN>"', c.get('requestId')), 401);
  };
}
