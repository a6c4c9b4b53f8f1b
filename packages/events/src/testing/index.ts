export { createTestMysqlDatabase, type TestDatabase } from './mysql';
export { createTestVhost, type TestVhost } from './rabbitmq';
export { sampleEventMessage, sampleOrderAccepted, sampleOrderLines, sampleOrderPlaced } from '../messaging/testing/order-events';
export { startTcpProxy, type TcpProxy } from '../messaging/testing/tcp-proxy';
export { createTestPostgresDatabase, type TestPostgresDatabase } from './postgres';
export { freePort } from './free-port';
