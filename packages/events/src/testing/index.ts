export { createTestMysqlDatabase, type TestDatabase } from './mysql';
export { createTestVhost, type TestVhost } from './rabbitmq';
