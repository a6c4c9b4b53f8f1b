import { Hono } from 'hono';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../http/content-security-policy';
import type { RequestLoggerVariables } from '../http/request-logger';
import { panelCatalog } from './panel.catalog';
import { PANEL_SCRIPT_PATH, PANEL_STYLE, PANEL_STYLE_PATH, renderPanelPage } from './panel.page';
import { PANEL_SCRIPT } from './panel.script';

const POLICY = contentSecurityPolicy();

/**
 * `/panel`: every procedure of the router with its input schema, a form built from it, its output type,
 * callable with a token, each call shown with its curl line and kept in a history. Built on the router's
 * own zod schemas because the panels on npm do not fit tRPC 11 with zod 4: `trpc-panel` 1.3.4 shows an
 * empty router, `trpc-ui` throws on zod 4, and `trpc-ui-zod4` 1.1.0 renders empty input schemas, cannot
 * fill arrays of objects (every write here takes `items: [...]`) and has no subscriptions. Script and style
 * are files of their own, so the Content-Security-Policy allows no inline code.
 * @example app.route('/', panelRoutes());
 */
export function panelRoutes(options: { trpcUrl?: string } = {}): Hono<{ Variables: RequestLoggerVariables }> {
  const app = new Hono<{ Variables: RequestLoggerVariables }>();
  let page: string | undefined;
  app.use('/panel', withContentSecurityPolicy(POLICY));
  app.get('/panel', (c) => {
    page ??= renderPanelPage(panelCatalog(), { trpcUrl: options.trpcUrl ?? '/trpc' });
    c.header('Cache-Control', 'no-cache');
    return c.html(page);
  });
  app.get(PANEL_SCRIPT_PATH, (c) => c.body(PANEL_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get(PANEL_STYLE_PATH, (c) => c.body(PANEL_STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }));
  return app;
}
