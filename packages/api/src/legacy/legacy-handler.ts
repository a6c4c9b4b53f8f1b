import { TRPCError } from '@trpc/server';
import type { Context as HonoContext } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../deps/app-deps';
import type { RequestLoggerVariables } from '../http/request-logger';
import { legacyCallers, type LegacyCallers } from './legacy-actors';
import { legacyError } from './legacy-error';

export type LegacyEnv = { Variables: RequestLoggerVariables };

/** A path and the same path with Django's trailing slash, which the original's clients may send. */
export const withSlash = (path: string): string[] => [path, `${path}/`];
type LegacyContext = HonoContext<LegacyEnv>;

export interface LegacyRequest {
  c: LegacyContext;
  callers: LegacyCallers;
  /** The JSON body; throws BAD_REQUEST when it is not JSON. */
  json(): Promise<unknown>;
}

export interface LegacyReply {
  status: ContentfulStatusCode;
  body: unknown;
}

async function readJson(c: LegacyContext): Promise<unknown> {
  const text = await c.req.text();
  // The original parsed JSON whatever the Content-Type said; so does this, but an empty body is an error.
  if (text.trim() === '') throw new TRPCError({ code: 'BAD_REQUEST', message: 'the request body must be JSON' });
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'the request body is not valid JSON', cause });
  }
}

/**
 * A legacy route: runs `handle` with callers for the synthetic actors and shapes every error as a legacy
 * error body (`renamePath` turns the procedures' field paths into the legacy body's).
 */
export function legacyHandler(
  deps: AppDeps,
  handle: (request: LegacyRequest) => Promise<LegacyReply>,
  options: { renamePath?: (path: string) => string } = {},
) {
  return async function legacyRoute(c: LegacyContext): Promise<Response> {
    const requestId = c.get('requestId');
    try {
      const reply = await handle({ c, callers: legacyCallers(deps, requestId), json: () => readJson(c) });
      return c.json(reply.body as object, reply.status);
    } catch (cause) {
      const { status, body, internal, retryAfterSeconds } = legacyError(cause, { requestId, renamePath: options.renamePath });
      if (internal) c.get('logger').error({ err: cause, path: c.req.path }, 'legacy call failed');
      if (retryAfterSeconds !== undefined) c.header('Retry-After', String(retryAfterSeconds));
      return c.json(body, status as ContentfulStatusCode);
    }
  };
}
