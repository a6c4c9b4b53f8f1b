export { createTestPostgresDatabase, type TestDatabase } from '@delivery/events/testing';
export { createTestApi, TEST_AUTH_SECRET, type TestApi, type TestApiOptions } from './test-api';
export { outcomeOf } from './outcome';
