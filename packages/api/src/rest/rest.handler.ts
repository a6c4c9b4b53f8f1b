import { callTRPCProcedure, TRPCError } from '@trpc/server';
import type { Context as HonoContext } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../deps/app-deps';
import type { RequestLoggerVariables } from '../http/request-logger';
import type { AuthVariables } from '../auth/authenticate-first';
import { createInnerContext, type Context } from '../trpc/context';
import { appRouter } from '../router/root.router';
import { restError } from './rest-error';
import { buildRouteTable, matchRoute, valueFromUrl, type RestRoute } from './rest-route-table';

type RestContext = HonoContext<{ Variables: RequestLoggerVariables & AuthVariables }>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Procedures whose REST route creates a resource: they answer 201 Created (the OpenAPI document says so). */
export const CREATING_PROCEDURES: ReadonlySet<string> = new Set(['order.place']);

/** The JSON body of a POST/PUT/PATCH; an empty body counts as `{}` so `POST .../cancel` needs none. */
async function readBody(c: RestContext): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as JSON with "Content-Type: application/json"' });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'the request body is not valid JSON', cause });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'input: the request body must be a JSON object' });
  }
  return body as Record<string, unknown>;
}

/** The procedure's input: query fields (GET, DELETE) or the body, with path parameters on top. */
async function readInput(c: RestContext, route: RestRoute, params: Record<string, string>): Promise<unknown> {
  const fromPath = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, valueFromUrl(route, name, [value])]));
  if (BODY_METHODS.has(route.method)) return { ...(await readBody(c)), ...fromPath };
  const url = new URL(c.req.url);
  const fromQuery: Record<string, unknown> = {};
  for (const name of new Set(url.searchParams.keys())) fromQuery[name] = valueFromUrl(route, name, url.searchParams.getAll(name));
  const input = { ...fromQuery, ...fromPath };
  // No field at all means no input, which procedures with an optional input (the lists) expect.
  return Object.keys(input).length === 0 ? undefined : input;
}

/**
 * Serves `/api/v1/...`: finds the procedure of the route, builds its input from the path, query and body,
 * and calls it through tRPC with the same context as `/trpc`, so auth, validation, domain errors and their
 * messages are the procedures' own.
 *
 * Why not `trpc-to-openapi`'s fetch handler: it coerces query text by setting `coerce` on the procedures'
 * zod schemas in place, which turns `available=false` into `true` and makes `/trpc` accept `"1"` for
 * numbers from then on. Its document generator is used as is (`openapi-document.ts`).
 */
export function createRestHandler(deps: AppDeps, routes: readonly RestRoute[] = buildRouteTable()) {
  return async function restHandler(c: RestContext): Promise<Response> {
    const requestId = c.get('requestId');
    const match = matchRoute(routes, c.req.method, c.req.path);
    let call: { path?: string; type?: RestRoute['procedure']['type']; input?: unknown; ctx?: Context } = {};
    try {
      if (match.kind === 'none') throw new TRPCError({ code: 'NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path}` });
      if (match.kind === 'wrong-method') {
        c.header('Allow', match.allowed.join(', '));
        throw new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: `${c.req.method} is not allowed here; use ${match.allowed.join(' or ')}` });
      }
      const { route, params } = match;
      call = { path: route.procedure.path, type: route.procedure.type };
      // The token was checked before the body was read (`authenticateFirst`, mounted by the app).
      const ctx = createInnerContext(deps, { user: c.get('user') ?? null, requestId, logger: c.get('logger') });
      call.ctx = ctx;
      const input = await readInput(c, route, params);
      call.input = input;
      const output = await callTRPCProcedure({
        router: appRouter,
        path: route.procedure.path,
        type: route.procedure.type,
        ctx,
        getRawInput: async () => input,
        signal: c.req.raw.signal,
        batchIndex: 0,
      });
      return c.json(output as object, CREATING_PROCEDURES.has(route.procedure.path) ? 201 : 200);
    } catch (cause) {
      const { status, body, error } = restError(cause, { ...call, requestId });
      const logger = c.get('logger');
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path: call.path }, 'REST call failed');
      else logger.debug({ code: error.code, path: call.path, message: error.message }, 'REST call refused');
      if (body.data.retryAfterSeconds !== undefined) c.header('Retry-After', String(body.data.retryAfterSeconds));
      return c.json(body, status as ContentfulStatusCode);
    }
  };
}
