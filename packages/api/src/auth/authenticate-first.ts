import type { Clock } from '@delivery/events';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate } from './auth';
import { type AuthUser, InvalidTokenError, type VerifyOptions } from './jwt';
import type { VerifiedTokenCache } from './verified-token-cache';

export interface AuthVariables {
  /** The caller as its bearer token says; null for a request without one. */
  user: AuthUser | null;
}

export interface AuthenticateFirstOptions {
  secret: string;
  maxLifetimeSeconds: number;
  clock: Clock;
  /** Tokens verified before (one per app): a repeat skips the signature check, never the expiry check. */
  cache?: VerifiedTokenCache;
  /** The 401 answer, in the shape of the transport the route belongs to. */
  refuse(c: Context, message: string): Response;
}

/**
 * Verifies the bearer token before anything reads the request body, so a caller with a bad token cannot
 * make the server buffer (or wait for) a body it will refuse anyway. Mounted before the body limit.
 * @example app.use('/trpc/*', authenticateFirst({ secret, maxLifetimeSeconds, clock, refuse }));
 */
export function authenticateFirst(options: AuthenticateFirstOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  const verify: VerifyOptions = { maxLifetimeSeconds: options.maxLifetimeSeconds, ...(options.cache ? { cache: options.cache } : {}) };
  return async function authenticateFirst(c, next) {
    try {
      c.set('user', await authenticate(c.req.header('authorization'), options.secret, options.clock.now(), verify));
    } catch (error) {
      if (error instanceof InvalidTokenError) return options.refuse(c, error.message);
      throw error;
    }
    await next();
  };
}
