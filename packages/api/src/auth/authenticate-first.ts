import type { Clock } from '@delivery/events';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate } from './auth';
import { type AuthUser, InvalidTokenError } from './jwt';

export interface AuthVariables {
  /** The caller as its bearer token says; null for a request without one. */
  user: AuthUser | null;
}

export interface AuthenticateFirstOptions {
  secret: string;
  maxLifetimeSeconds: number;
  clock: Clock;
  /** The 401 answer, in the shape of the transport the route belongs to. */
  refuse(c: Context, message: string): Response;
}

/**
 * Verifies the bearer token before anything reads the request body, so a caller with a bad token cannot
 * make the server buffer (or wait for) a body it will refuse anyway. Mounted before the body limit.
 * @example app.use('/trpc/*', authenticateFirst({ secret, maxLifetimeSeconds, clock, refuse }));
 */
export function authenticateFirst(options: AuthenticateFirstOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function authenticateFirst(c, next) {
    try {
      c.set('user', await authenticate(c.req.header('authorization'), options.secret, options.clock.now(), { maxLifetimeSeconds: options.maxLifetimeSeconds }));
    } catch (error) {
      if (error instanceof InvalidTokenError) return options.refuse(c, error.message);
      throw error;
    }
    await next();
  };
}
