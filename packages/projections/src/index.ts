// The order read model: tables and migrations, the projection (pure) and its projector, queries, replay.
export * from './order-view/order-view.table';
export * from './order-view/order.schema';
export * from './order-view/order-view.cursor';
export * from './order-view/order-view.projection';
export {
  getOrder,
  getOrderView,
  getOrderWithOwner,
  listAllOrderViews,
  listOrders,
  ORDER_LIST_DEFAULT_LIMIT,
  ORDER_LIST_MAX_LIMIT,
  type ListOrdersQuery,
} from './order-view/order-view.repository';
export * from './order-view/order-view.wait';
export * from './order-view/order-view.projector';
export * from './order-view/order-view-batch.projector';
export {
  replayOrderView,
  REPLAY_DEFAULT_BATCH_SIZE,
  REPLAY_PAGE_SIZE,
  type ReplayOrderViewOptions,
  type ReplayOrderViewResult,
} from './replay/order-view.replay';
export type { ReplayProgress } from './replay/replay-progress';
export type { SkippedEvent } from './replay/unreadable-events';
export { migrateProjections } from './migrations/migrate-projections';
