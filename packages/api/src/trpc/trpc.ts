import { DomainError } from '@delivery/events';
import type { Role } from '@delivery/events';
import { initTRPC, TRPCError } from '@trpc/server';
import { TooManyRequestsError } from '../limits/too-many-requests.error';
import { VersionNotReachedError } from './version-not-reached.error';
import { serviceUnavailableError } from '../http/service-unavailable';
import type { ProcedureMeta } from './procedure-meta';
import type { Context } from './context';
import { describeIssues, formatError, inputIssues } from './error-formatter';

/** The API's only tRPC instance. No transformer: plain JSON on the wire, so curl and Postman just work. */
const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({ errorFormatter: formatError });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/**
 * Errors are translated here, once, for every procedure: a domain error (from handlers, repositories,
 * the decider) becomes the tRPC error of its code, and an input validation error gets a message naming
 * each field, a database that is down a 503 SERVICE_UNAVAILABLE. The cause is kept so the formatter can add details (issues, current version).
 * Server-side callers (`createCaller`) see the same codes and messages as HTTP clients.
 */
function translateFailure<R extends { ok: true } | { ok: false; error: TRPCError }>(result: R): R {
  if (result.ok) return result;
  const { cause } = result.error;
  if (cause instanceof DomainError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  if (cause instanceof TooManyRequestsError) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: cause.message, cause });
  if (cause instanceof VersionNotReachedError) throw new TRPCError({ code: 'TIMEOUT', message: cause.message, cause });
  // A database that is down is the server's state, not the caller's mistake: 503, to retry.
  const unavailable = result.error.code === 'INTERNAL_SERVER_ERROR' ? serviceUnavailableError(cause) : null;
  if (unavailable) throw unavailable;
  const issues = inputIssues(result.error);
  if (issues?.length) throw new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(issues), cause });
  return result;
}

// Each kind of procedure is one middleware (its access check, then the translation of what failed), not
// middlewares stacked: tRPC copies the call's options (and a narrowed ctx) once more for each, on every call.

export const publicProcedure = t.procedure.use(async ({ next }) => translateFailure(await next()));

const signInFirst = () => new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first: send "Authorization: Bearer <token>"' });

/** Any signed-in caller; `ctx.user` is set. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.user) throw signInFirst();
  return translateFailure(await next({ ctx: { user: ctx.user } }));
});

const withRole = (role: Role) =>
  t.procedure.use(async ({ ctx, next }) => {
    if (!ctx.user) throw signInFirst();
    if (ctx.user.role !== role) throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${role} role` });
    return translateFailure(await next({ ctx: { user: ctx.user } }));
  });

export const customerProcedure = withRole('customer');
export const vendorProcedure = withRole('vendor');
export const adminProcedure = withRole('admin');
