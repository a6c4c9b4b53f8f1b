import { Hono } from 'hono';
import type { AppDeps } from '../deps/app-deps';
import type { RequestLoggerVariables } from '../http/request-logger';
import { docsRoutes } from './docs.routes';
import { createOpenApiDocument } from './openapi-document';
import { createRestHandler } from './rest.handler';

/**
 * The REST face of the API: `/api/v1/...` (every procedure with `meta.openapi`), its OpenAPI document at
 * `/openapi.json` (servers: PUBLIC_URL, or this server relatively) and
 * Swagger UI at `/docs`.
 * @example app.route('/', restRoutes(deps));
 */
export function restRoutes(deps: AppDeps): Hono<{ Variables: RequestLoggerVariables }> {
  const app = new Hono<{ Variables: RequestLoggerVariables }>();
  // PUBLIC_URL, or `/` (the origin the document was fetched from, resolved by the reader): never the Host
  // header, which a client or a poisoned cache could set to any site.
  const document = createOpenApiDocument({ baseUrl: deps.config.PUBLIC_URL ?? '/' });
  app.get('/openapi.json', (c) => c.json(document));
  app.route('/', docsRoutes());
  const handler = createRestHandler(deps);
  app.all('/api/v1', handler);
  app.all('/api/v1/*', handler);
  return app;
}
