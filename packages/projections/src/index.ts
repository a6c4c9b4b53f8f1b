export * from './order-view/order-view.table';
export * from './order-view/order.schema';
export * from './order-view/order-view.cursor';
export * from './order-view/order-view.projection';
export * from './order-view/order-view.repository';
export { migrateProjections } from './migrations/migrate-projections';
