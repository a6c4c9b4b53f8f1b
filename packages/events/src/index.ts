export * from './shared/money';
export * from './shared/errors';
export * from './shared/logger';
export * from './shared/clock';
export * from './order/order.events';
export { upcastOrderEvent } from './order/order.upcasters';
export * from './event-store/event-store';
export { createMysqlDb, ensureMysqlDatabase } from './db/mysql-database';
