import { Hono, type Context } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorResponseBody } from '../http/error-body';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../http/content-security-policy';
import type { RequestLoggerVariables } from '../http/request-logger';

/** The api package's folder, from its sources (src/web/) or its build (dist/), whichever runs. */
function apiPackageDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@delivery/api') return dir;
  }
  throw new Error('cannot find the @delivery/api package folder');
}

/** Where `pnpm --filter @delivery/web build` (run by `pnpm build` and `pnpm start`) writes the customer's page. */
export const DEFAULT_WEB_APP_DIR = join(apiPackageDir(), '..', 'web', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const ASSET_NAME = /^[\w.-]+$/;
const ORDER_ID = /^[0-9a-fA-F-]{36}$/;
const POLICY = contentSecurityPolicy({ imgData: true });

/**
 * The customer's web page (packages/web, built with Vite): the shop at `/app/`, and the tracking view of an
 * order at `/orders/<id>`, the link of the confirmation email. Until the page is built, both answer 503
 * saying how to build it.
 * @example app.route('/', webAppRoutes({ dir: DEFAULT_WEB_APP_DIR }));
 */
export function webAppRoutes(options: { dir: string }): Hono<{ Variables: RequestLoggerVariables }> {
  const app = new Hono<{ Variables: RequestLoggerVariables }>();

  app.use('/app/*', withContentSecurityPolicy(POLICY));
  app.use('/orders/*', withContentSecurityPolicy(POLICY));

  const page = async (c: Context<{ Variables: RequestLoggerVariables }>) => {
    const html = await readFile(join(options.dir, 'index.html'), 'utf8').catch(() => undefined);
    if (html === undefined) {
      const message = 'the web page is not built: run pnpm --filter @delivery/web build (pnpm start does)';
      return c.json(errorResponseBody('SERVICE_UNAVAILABLE', message, c.get('requestId')), 503);
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(html);
  };

  app.get('/app', (c) => c.redirect('/app/'));
  app.get('/app/', page);
  app.get('/orders/:orderId', (c) => (ORDER_ID.test(c.req.param('orderId')) ? page(c) : c.notFound()));
  app.get('/app/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = CONTENT_TYPES[extname(file)];
    if (!ASSET_NAME.test(file) || !type) return c.notFound();
    const content = await readFile(join(options.dir, 'assets', file)).catch(() => undefined);
    if (!content) return c.notFound();
    c.header('Content-Type', type);
    // Vite puts a content hash in every asset's name: a name never changes its content.
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(content);
  });
  return app;
}
