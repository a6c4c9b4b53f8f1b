import type { Logger } from '@delivery/events';
import { TRPCError } from '@trpc/server';
import type { AppDeps } from '../deps/app-deps';
import { authenticate } from '../auth/auth';
import { type AuthUser, InvalidTokenError } from '../auth/jwt';

/**
 * What every procedure sees: the app's dependencies, the caller, the request id and the logger bound to it.
 * The dependencies stay one object, held by reference: tRPC copies the context key by key for each
 * middleware that narrows it (the sign-in check), on every call.
 */
export interface Context {
  deps: AppDeps;
  user: AuthUser | null;
  requestId: string;
  logger: Logger;
}

/**
 * The part of the context that needs no HTTP request: router tests call `createCaller` with it. `logger`,
 * when given, is the request's own (already bound to its id: the HTTP request logger's), else one is made.
 */
export function createInnerContext(deps: AppDeps, request: { user: AuthUser | null; requestId: string; logger?: Logger }): Context {
  const logger = request.logger ?? deps.logger.child({ requestId: request.requestId });
  return { deps, logger, user: request.user, requestId: request.requestId };
}

/**
 * The context of one HTTP request: its bearer token verified into a user.
 * @throws TRPCError UNAUTHORIZED for a malformed, bad or expired token (no header means anonymous).
 */
export async function createRequestContext(deps: AppDeps, req: Request, requestId: string): Promise<Context> {
  let user: AuthUser | null;
  try {
    user = await authenticate(req.headers.get('authorization'), deps.config.AUTH_SECRET, deps.clock.now(), { maxLifetimeSeconds: deps.config.TOKEN_MAX_TTL });
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new TRPCError({ code: 'UNAUTHORIZED', message: error.message, cause: error });
    throw error;
  }
  return createInnerContext(deps, { user, requestId });
}
