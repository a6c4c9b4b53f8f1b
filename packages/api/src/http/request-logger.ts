import type { Logger } from '@delivery/events';
import type { MiddlewareHandler } from 'hono';

export interface RequestLoggerVariables {
  requestId: string;
  logger: Logger;
}

/**
 * Gives each request a logger bound to its request id (set by the request-id middleware before this
 * one) and logs one line when the response is ready.
 */
export function requestLogger(options: { logger: Logger }): MiddlewareHandler<{ Variables: RequestLoggerVariables }> {
  return async function requestLogger(c, next) {
    const startedAt = performance.now();
    const logger = options.logger.child({ requestId: c.get('requestId') });
    c.set('logger', logger);
    await next();
    const line = { method: c.req.method, path: c.req.path, status: c.res.status, durationMs: Math.round(performance.now() - startedAt) };
    if (c.res.status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}
