import { DomainError } from '@delivery/events';
import type { Role } from '@delivery/events';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Context } from './context';
import { formatError } from './error-formatter';

/** The API's only tRPC instance. No transformer: plain JSON on the wire, so curl and Postman just work. */
const t = initTRPC.context<Context>().create({ errorFormatter: formatError });

export const router = t.router;
export const middleware = t.middleware;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/**
 * Domain errors (from handlers, repositories, the decider) become the tRPC error of their code here,
 * once, keeping the domain error as the cause so the formatter can add its details.
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/** Any signed-in caller; `ctx.user` is set. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first: send "Authorization: Bearer <token>"' });
  return next({ ctx: { user: ctx.user } });
});

const withRole = (role: Role) =>
  authedProcedure.use(({ ctx, next }) => {
    if (ctx.user.role !== role) throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${role} role` });
    return next();
  });

export const customerProcedure = withRole('customer');
export const vendorProcedure = withRole('vendor');
export const adminProcedure = withRole('admin');
