export { createTestMysqlDatabase } from './mysql';
export type { TestDatabase } from './test-database';
export { createTestVhost, type TestVhost } from './rabbitmq';
export { sampleEventMessage, sampleOrderAccepted, sampleOrderLines, sampleOrderPlaced } from '../messaging/testing/order-events';
export { startTcpProxy, type TcpProxy } from '../messaging/testing/tcp-proxy';
export { createTestPostgresDatabase } from './postgres';
export { freePort } from './free-port';
export { createTestPgliteDb } from './pglite';
