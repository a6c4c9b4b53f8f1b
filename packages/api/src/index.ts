// The API package's public surface. Clients (the SDK) import only `type AppRouter` from here.
export { appRouter, createCaller, type AppRouter } from './router/root.router';
export { createInnerContext, createRequestContext, type Context } from './trpc/context';
export {
  adminProcedure,
  authedProcedure,
  createCallerFactory,
  customerProcedure,
  middleware,
  publicProcedure,
  router,
  vendorProcedure,
} from './trpc/trpc';
export { formatError, formatIssuePath, type ErrorData, type InputIssue } from './trpc/error-formatter';
export { ApiConfig, ConfigError, DEV_AUTH_SECRET, configWarnings, loadConfig } from './config/api-config';
export {
  openAppDeps,
  type ApiDatabases,
  type ApiOrdersDatabase,
  type AppDeps,
  type DeliveryMetricsSource,
  type OpenAppDeps,
  type ReadinessCheck,
} from './deps/app-deps';
export { createApp, type AppEnv, type CreateAppOptions } from './app';
export { startApiServer, type RunningServer } from './server';
export { busReadiness, runApiMain, serveApi, startApiProcess, type RunningApi } from './api-process';
export { AuthUser, InvalidTokenError, TOKEN_AUDIENCE, TOKEN_ISSUER, signToken, ttlSeconds, verifyToken } from './auth/jwt';
export { authenticate } from './auth/auth';
export { ensureApiDatabases, migrateApiDatabases } from './db/prepare-databases';
export { migrateMenu } from './menu/migrations/migrate-menu';
export { seedMenu, loadMenuSeed } from './menu/seed/menu-seed';
export { priceOrderLines, type PricedItem } from './menu/menu.pricing';
export * from './menu/menu.schemas';
export type { MenuDatabase, FoodItemsTable, BarItemsTable } from './menu/menu.table';
export { getMenuItem, listMenuItems, findMenuItemsByIds } from './menu/menu.repository';
export { restRoutes } from './rest/rest.routes';
export { createOpenApiDocument, type OpenApiDocumentOptions } from './rest/openapi-document';
export type { ProcedureMeta } from './trpc/procedure-meta';
export type { RestErrorBody } from './rest/rest-error';
export { panelRoutes } from './panel/panel.routes';
export { legacyRoutes } from './legacy/legacy.routes';
export { LEGACY_ACTORS } from './legacy/legacy-actors';
export { startOrderChangeFeed, type OrderChangeFeed } from './live/order-change-feed';
export { pingDatabase } from './health/ping.repository';
export { errorResponseBody } from './http/error-body';
