import { Hono } from 'hono';
import type { AppDeps } from '../deps/app-deps';
import type { LegacyEnv } from './legacy-handler';
import { legacyMenuRoutes } from './legacy-menu.routes';
import { legacyOrderRoutes } from './legacy-order.routes';
import { legacyAccess } from './legacy-access';

/**
 * The original Django system's REST paths, for clients during a migration. Mounted only with
 * `LEGACY_API=on` (otherwise they answer 404): they carry no tokens, as the original did, so they belong
 * on a trusted network. Same shapes as the original (snake_case fields, prices as "8.50"), with its
 * bugs fixed: a missing id answers 404, bad input 400 naming the field, status changes follow the
 * state machine (409 otherwise), and everything runs through the same procedures, commands and events
 * as `/trpc`, as the synthetic actors of `legacy-actors.ts`.
 *
 * Decisions:
 * - Order `id` is the order's UUID (no mapping table): the paths accept it, and any other id (such as
 *   the original's integers) names no order: 404.
 * - Item names are resolved food first, then bar (see `legacy-names.ts`).
 * - A trailing slash, as Django URLs had, is accepted on every path.
 * - `PUT .../update` answers `{ updated }` for `Update_All: true` and the updated items otherwise.
 * - In production only loopback and `LEGACY_API_ALLOW` reach them (`legacy-access.ts`); the list of orders
 *   comes a page at a time; a status change touches only orders placed through these paths.
 * @example if (config.LEGACY_API === 'on') app.route('/', legacyRoutes(deps));
 */
export function legacyRoutes(deps: AppDeps): Hono<LegacyEnv> {
  const app = new Hono<LegacyEnv>();
  const access = legacyAccess({ production: deps.config.NODE_ENV === 'production', allow: deps.config.LEGACY_API_ALLOW });
  for (const prefix of ['/menu/api/*', '/order/api/*']) app.use(prefix, access);
  app.route('/', legacyMenuRoutes(deps));
  app.route('/', legacyOrderRoutes(deps));
  return app;
}
