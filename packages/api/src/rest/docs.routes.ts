import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestLoggerVariables } from '../http/request-logger';

const ASSETS_PATH = '/docs/assets';

/** The files of `swagger-ui-dist` the page loads, with their content types. */
const ASSET_TYPES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

function swaggerUiDist(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('swagger-ui-dist/package.json');
  const { version } = require(manifest) as { version: string };
  return { dir: dirname(manifest), version };
}

/**
 * `/docs`: Swagger UI over `/openapi.json`. `@hono/swagger-ui` loads Swagger UI from a CDN by default;
 * here its `baseUrl` points at this server, which serves the files of the installed `swagger-ui-dist`,
 * so the page works on networks without internet access.
 */
export function docsRoutes(options: { specUrl?: string } = {}): Hono<{ Variables: RequestLoggerVariables }> {
  const dist = swaggerUiDist();
  const assets = new Map<string, Promise<string>>();
  const app = new Hono<{ Variables: RequestLoggerVariables }>();

  app.get(
    '/docs',
    swaggerUI({
      title: 'Delivery system API',
      url: options.specUrl ?? '/openapi.json',
      // Without a version the page asks for `<baseUrl>/swagger-ui-dist/<file>` (a versioned path would
      // hold an "@", which Hono's router does not match).
      baseUrl: ASSETS_PATH,
      persistAuthorization: true,
      displayRequestDuration: true,
      tryItOutEnabled: true,
    }),
  );

  app.get(`${ASSETS_PATH}/swagger-ui-dist/:file`, async (c) => {
    const file = c.req.param('file');
    const type = ASSET_TYPES[file];
    if (!type) return c.notFound();
    let content = assets.get(file);
    if (!content) {
      content = readFile(join(dist.dir, file), 'utf8');
      assets.set(file, content);
    }
    c.header('Content-Type', type);
    // The files change with the installed version; the ETag lets browsers keep them until then.
    c.header('ETag', `"swagger-ui-dist-${dist.version}"`);
    c.header('Cache-Control', 'no-cache');
    return c.body(await content);
  });

  return app;
}
