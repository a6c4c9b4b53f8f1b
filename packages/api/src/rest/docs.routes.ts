import { Hono } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../http/content-security-policy';
import type { RequestLoggerVariables } from '../http/request-logger';

const ASSETS_PATH = '/docs/assets';

interface Asset {
  /** The installed package the file comes from, and its path there. */
  packageName: string;
  file: string;
  type: string;
}

/** Every file the two pages load, all from installed packages: the pages work without internet access. */
const ASSETS: Record<string, Asset> = {
  'scalar.js': { packageName: '@scalar/api-reference', file: 'dist/browser/standalone.js', type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { packageName: 'swagger-ui-dist', file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { packageName: 'swagger-ui-dist', file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
};

// The pages' own start-up code is served as files too, so the CSP allows no inline script at all.
// Scalar and Swagger UI write inline styles as they render, hence 'unsafe-inline' for styles only.
const SCRIPTS: Record<string, (specUrl: string) => string> = {
  'scalar-init.js': (specUrl) =>
    `Scalar.createApiReference('#app', ${JSON.stringify({
      url: specUrl,
      withDefaultFonts: false,
      hideClientButton: false,
      defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
      metaData: { title: 'Delivery system API' },
    })});\n`,
  'swagger-init.js': (specUrl) =>
    `window.ui = SwaggerUIBundle(${JSON.stringify({ url: specUrl, dom_id: '#swagger-ui', tryItOutEnabled: true, displayRequestDuration: true, persistAuthorization: false })});\n`,
};

const POLICY = contentSecurityPolicy({ inlineStyles: true, imgData: true });

const page = (title: string, body: string, head = '') => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>${head}
</head>
<body>
${body}
</body>
</html>`;

const SCALAR_PAGE = page(
  'Delivery system API · reference',
  `  <div id="app"></div>
  <script src="${ASSETS_PATH}/scalar.js"></script>
  <script src="${ASSETS_PATH}/scalar-init.js"></script>`,
);

const SWAGGER_PAGE = page(
  'Delivery system API · Swagger UI',
  `  <p style="font: 14px system-ui; margin: 8px 16px"><a href="/docs">The API reference (Scalar), with code samples</a></p>
  <div id="swagger-ui"></div>
  <script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="${ASSETS_PATH}/swagger-init.js"></script>`,
  `\n  <link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">`,
);

/** An installed package's folder, found from its main entry (some packages export no `./package.json`). */
function packageDir(packageName: string): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  for (let dir = dirname(require.resolve(packageName)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
    if (name === packageName) return { dir, version };
  }
  throw new Error(`cannot find the folder of ${packageName}`);
}

/**
 * `/docs`: the API reference by Scalar over `/openapi.json`, with each operation's code samples in curl and
 * TypeScript (the SDK); `/docs/swagger`: Swagger UI over the same document. Both load only files of
 * installed packages served here, under a Content-Security-Policy that allows no inline script, and
 * neither keeps a token in the browser's storage.
 */
export function docsRoutes(options: { specUrl?: string } = {}): Hono<{ Variables: RequestLoggerVariables }> {
  const specUrl = options.specUrl ?? '/openapi.json';
  const files = new Map<string, Promise<Buffer>>();
  const app = new Hono<{ Variables: RequestLoggerVariables }>();

  app.use('/docs', withContentSecurityPolicy(POLICY));
  app.use('/docs/*', withContentSecurityPolicy(POLICY));

  app.get('/docs', (c) => c.html(SCALAR_PAGE));
  app.get('/docs/swagger', (c) => c.html(SWAGGER_PAGE));

  app.get(`${ASSETS_PATH}/:file`, async (c) => {
    const name = c.req.param('file');
    const script = SCRIPTS[name];
    if (script) return c.body(script(specUrl), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    const asset = ASSETS[name];
    if (!asset) return c.notFound();
    const { dir, version } = packageDir(asset.packageName);
    let content = files.get(name);
    if (!content) {
      content = readFile(join(dir, asset.file));
      files.set(name, content);
    }
    // The files change with the installed version; the ETag lets browsers keep them until then.
    return c.body(new Uint8Array(await content), 200, { 'Content-Type': asset.type, ETag: `"${asset.packageName}-${version}"`, 'Cache-Control': 'no-cache' });
  });

  return app;
}
