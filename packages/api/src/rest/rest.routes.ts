import { Hono } from 'hono';
import type { AppDeps } from '../app-deps';
import type { RequestLoggerVariables } from '../http/request-logger';
import { docsRoutes } from './docs.routes';
import { createOpenApiDocument } from './openapi-document';
import { createRestHandler } from './rest.handler';

/**
 * The REST face of the API: `/api/v1/...` (every procedure with `meta.openapi`), its OpenAPI document at
 * `/openapi.json` (servers set to the origin the request came to, so "Try it out" calls this server) and
 * Swagger UI at `/docs`.
 * @example app.route('/', restRoutes(deps));
 */
export function restRoutes(deps: AppDeps): Hono<{ Variables: RequestLoggerVariables }> {
  const app = new Hono<{ Variables: RequestLoggerVariables }>();
  app.get('/openapi.json', (c) => c.json(createOpenApiDocument({ baseUrl: new URL(c.req.url).origin })));
  app.route('/', docsRoutes());
  const handler = createRestHandler(deps);
  app.all('/api/v1', handler);
  app.all('/api/v1/*', handler);
  return app;
}
