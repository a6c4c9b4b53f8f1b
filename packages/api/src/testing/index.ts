export { createTestPostgresDatabase, type TestPostgresDatabase } from './postgres';
export { createTestApi, TEST_AUTH_SECRET, type TestApi, type TestApiOptions } from './test-api';
