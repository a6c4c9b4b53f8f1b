import { Hono } from 'hono';
import type { RequestLoggerVariables } from '../http/request-logger';
import { panelCatalog } from './panel.catalog';
import { renderPanelPage } from './panel.page';

/**
 * `/panel`: every procedure of the router with its input schema, callable with a token. Built on the
 * router's own zod schemas because the panels on npm do not fit tRPC 11 with zod 4: `trpc-panel` 1.3.4
 * shows an empty router, `trpc-ui` throws on zod 4, and `trpc-ui-zod4` 1.1.0 renders empty input schemas,
 * cannot fill arrays of objects (every write here takes `items: [...]`) and has no subscriptions.
 * @example app.route('/', panelRoutes());
 */
export function panelRoutes(options: { trpcUrl?: string } = {}): Hono<{ Variables: RequestLoggerVariables }> {
  const app = new Hono<{ Variables: RequestLoggerVariables }>();
  let page: string | undefined;
  app.get('/panel', (c) => {
    page ??= renderPanelPage(panelCatalog(), { trpcUrl: options.trpcUrl ?? '/trpc' });
    c.header('Cache-Control', 'no-cache');
    return c.html(page);
  });
  return app;
}
