import type { Clock } from '@delivery/events';
import type { MiddlewareHandler } from 'hono';
import { errorResponseBody } from '../http/error-body';
import { isDirectLoopback } from '../http/client-address';
import type { RequestLoggerVariables } from '../http/request-logger';
import { authenticate } from './auth';
import { InvalidTokenError, type VerifyOptions } from './jwt';
import type { VerifiedTokenCache } from './verified-token-cache';

/**
 * Lets through callers on this machine (talking to the API directly, not through a proxy) and admins;
 * everyone else is refused before the route runs: 401 without a valid token, 403 with another role.
 * @example app.use('/dev/mail/*', loopbackOrAdmin({ secret, maxLifetimeSeconds, clock }));
 */
export function loopbackOrAdmin(options: {
  secret: string;
  maxLifetimeSeconds: number;
  clock: Clock;
  cache?: VerifiedTokenCache;
}): MiddlewareHandler<{ Variables: RequestLoggerVariables }> {
  const verify: VerifyOptions = { maxLifetimeSeconds: options.maxLifetimeSeconds, ...(options.cache ? { cache: options.cache } : {}) };
  return async function loopbackOrAdmin(c, next) {
    if (isDirectLoopback(c)) return next();
    const requestId = c.get('requestId');
    let role: string | null = null;
    try {
      const user = await authenticate(c.req.header('authorization'), options.secret, options.clock.now(), verify);
      role = user?.role ?? null;
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
    }
    if (role === 'admin') return next();
    if (role === null) return c.json(errorResponseBody('UNAUTHORIZED', 'only this machine or an admin token may read this', requestId), 401);
    return c.json(errorResponseBody('FORBIDDEN', 'this needs the admin role (or a call from this machine)', requestId), 403);
  };
}
