import { createTestPgliteDb } from '../../testing/pglite';
import { eventStoreContract } from '../event-store.contract';
import type { PostgresEventStoreDatabase } from './postgres-event.table';
import { postgresStoreHarness } from './testing/postgres-contract-harness';

// The PostgreSQL store on PGlite (embedded mode): one session, so appends and reads take turns.
eventStoreContract('PGlite', async () => postgresStoreHarness(await createTestPgliteDb<PostgresEventStoreDatabase>(), async () => undefined));
