// Test helpers of the read model, for this package's tests and other packages' (`@delivery/projections/testing`).
export { sqlBackends, type SqlBackend, type TestSqlDatabase } from './sql-backends';
export { appendOrderHistory, createProjectionsTestEnv, projectionsTestEnvFor, type ProjectionsTestEnv } from './projections-test-env';
export { defaultLines, orderHistory, orderOutcomes, withVersions, type OrderHistorySpec, type OrderOutcome } from './order-histories';
