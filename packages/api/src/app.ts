import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps/app-deps';
import { checkReadiness } from './health/readiness';
import { bodyLimit } from './http/body-limit';
import { errorResponseBody } from './http/error-body';
import { RETRY_AFTER_SECONDS, serviceUnavailableError } from './http/service-unavailable';
import { requestLogger, type RequestLoggerVariables } from './http/request-logger';
import { requestTracing } from './http/request-tracing';
import { legacyRoutes } from './legacy/legacy.routes';
import { panelRoutes } from './panel/panel.routes';
import { devMailRoutes } from './dev/dev-mail.routes';
import { restRoutes } from './rest/rest.routes';
import { createInnerContext } from './trpc/context';
import { authenticateFirst, type AuthVariables } from './auth/authenticate-first';
import { loopbackOrAdmin } from './auth/loopback-or-admin';
import { verifiedTokenCache } from './auth/verified-token-cache';
import { metricsToken } from './http/metrics-token';
import { restError } from './rest/rest-error';
import { retryAfterHeaders } from './limits/retry-after';
import { subscriptionSlots } from './limits/subscription-slots';
import { DEFAULT_WEB_APP_DIR, webAppRoutes } from './web/web-app.routes';
import { appRouter } from './router/root.router';
import { registerDeliveryMetrics } from './http/delivery-metrics';
import { createHttpMetrics } from './http/metrics';
import { registerOutboxMetrics } from './http/outbox-metrics';
import { registerReplicaMetrics } from './http/replica-metrics';

export type AppEnv = { Variables: RequestLoggerVariables & AuthVariables };

export interface CreateAppOptions {
  /** Calls per tRPC batch; tRPC's own default is unlimited. */
  maxBatchSize?: number;
  /** How long `/readyz` waits for each dependency. */
  readinessTimeoutMs?: number;
  /** The built customer page served at `/app` and `/orders/<id>` (default: packages/web/dist). */
  webAppDir?: string;
  /** Routes of the process hosting the API (the embedded system's `/ops`), mounted after the API's own. */
  extraRoutes?: Hono;
}

const codeByStatus: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  408: 'TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * The API's HTTP surface: tRPC at `/trpc` (plain JSON, batching on), REST at `/api/v1` with `/openapi.json`
 * and `/docs`, the panel at `/panel`, `/healthz`, `/readyz`, `/metrics`; the original paths with `LEGACY_API=on`.
 * @example const app = createApp(deps); const response = await app.request('/healthz');
 */
export function createApp(deps: AppDeps, options: CreateAppOptions = {}): Hono<AppEnv> {
  const maxBodyBytes = deps.config.MAX_BODY_BYTES;

  const app = new Hono<AppEnv>();
  const metrics = createHttpMetrics();
  registerOutboxMetrics(metrics.registry, { db: deps.db.orders, clock: deps.clock, logger: deps.logger });
  if (deps.readModel.replicaHealth()) registerReplicaMetrics(metrics.registry, deps.readModel);
  if (deps.delivery) registerDeliveryMetrics(metrics.registry, deps.delivery);
  // Incoming ids are kept when they are short and plain (letters, digits, - _ =), otherwise replaced.
  app.use(requestTracing());
  app.use(requestId({ limitLength: 128 }));
  app.use(requestLogger({ logger: deps.logger }));
  app.use(secureHeaders());
  app.use(metrics.middleware);
  // The token is checked before the body limit, which reads (and waits for) the whole body.
  const tokenCheck = { secret: deps.config.AUTH_SECRET, maxLifetimeSeconds: deps.config.TOKEN_MAX_TTL, clock: deps.clock, cache: verifiedTokenCache() };
  app.use('/trpc/*', authenticateFirst({ ...tokenCheck, refuse: (c, message) => c.json(errorResponseBody('UNAUTHORIZED', message, c.get('requestId')), 401) }));
  const restRefusal = authenticateFirst({
    ...tokenCheck,
    refuse: (c, message) => c.json(restError(new TRPCError({ code: 'UNAUTHORIZED', message }), { requestId: c.get('requestId') }).body, 401),
  });
  app.use('/api/v1', restRefusal);
  app.use('/api/v1/*', restRefusal);
  app.use(
    bodyLimit({
      maxBytes: maxBodyBytes,
      refuse: (c) => c.json(errorResponseBody('PAYLOAD_TOO_LARGE', `request body is larger than ${maxBodyBytes} bytes`, c.get('requestId')), 413),
    }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', metricsToken(deps.config.METRICS_TOKEN), async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );

  app.get('/readyz', async (c) => {
    const report = await checkReadiness(deps.checks, { timeoutMs: options.readinessTimeoutMs ?? 2_000, logger: c.get('logger') });
    // The replica is shown, not checked: while it is down or behind, the primary serves its reads.
    const replica = deps.readModel.replicaHealth();
    return c.json({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks, ...(replica ? { replica } : {}) }, report.ready ? 200 : 503);
  });

  // tRPC would answer 415 too, but with a garbled message and no request id; every procedure here takes JSON.
  app.post('/trpc/*', async (c, next) => {
    if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type')?.trim() ?? '')) {
      const message = 'send the body as JSON, with the header "Content-Type: application/json"';
      return c.json(errorResponseBody('UNSUPPORTED_MEDIA_TYPE', message, c.get('requestId')), 415);
    }
    await next();
  });

  app.use('/trpc/order.onStatusChange', subscriptionSlots(deps.limits));

  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      // Read here, after the body limit, which may have replaced the request with its buffered copy.
      req: c.req.raw,
      router: appRouter,
      maxBatchSize: options.maxBatchSize ?? 20,
      createContext: () => createInnerContext(deps, { user: c.get('user'), requestId: c.get('requestId'), logger: c.get('logger') }),
      // A refusal for too many requests says when to come back.
      responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
      onError: ({ error, path, type }) => {
        const logger = c.get('logger');
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path, type }, 'procedure failed');
        else logger.debug({ code: error.code, path, type, message: error.message }, 'procedure refused');
      },
    }),
  );

  // REST (/api/v1, /openapi.json, /docs), the panel, and the original system's paths when switched on.
  app.route('/', restRoutes(deps));
  app.route('/', panelRoutes());
  app.route('/', webAppRoutes({ dir: options.webAppDir ?? DEFAULT_WEB_APP_DIR }));
  if (deps.config.MAIL_DIR && deps.config.NODE_ENV !== 'production') {
    // Every customer's address and whole emails: for whoever sits at this machine, or an admin.
    app.use('/dev/mail', loopbackOrAdmin(tokenCheck));
    app.use('/dev/mail/*', loopbackOrAdmin(tokenCheck));
    app.route('/', devMailRoutes(deps.config.MAIL_DIR));
  }
  if (deps.config.LEGACY_API === 'on') app.route('/', legacyRoutes(deps));
  if (options.extraRoutes) app.route('/', options.extraRoutes);

  app.notFound((c) => c.json(errorResponseBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`, c.get('requestId')), 404));

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      const code = codeByStatus[error.status] ?? 'BAD_REQUEST';
      return c.json(errorResponseBody(code, error.message || code, c.get('requestId')), error.status);
    }
    const unavailable = serviceUnavailableError(error);
    if (unavailable) {
      (c.get('logger') ?? deps.logger).warn({ err: error, method: c.req.method, path: c.req.path }, 'a dependency is down');
      return c.json(errorResponseBody('SERVICE_UNAVAILABLE', unavailable.message, c.get('requestId')), 503, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    (c.get('logger') ?? deps.logger).error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    return c.json(errorResponseBody('INTERNAL_SERVER_ERROR', 'Internal server error', c.get('requestId')), 500);
  });

  return app;
}
