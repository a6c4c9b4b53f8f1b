import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../../../db/run-migrations';
import { outboxSetAsideMigration } from '../../../outbox/migrations/0002-outbox-set-aside.migration';
import { POSITIONS_PER_TRANSACTION, postgresEventStoreMigration } from './0001-postgres-event-store.migration';

/** Names sort in the order they run; never rename or edit one that has shipped. */
const migrations: Record<string, Migration> = {
  '0001_postgres_event_store': postgresEventStoreMigration,
  '0002_outbox_set_aside': outboxSetAsideMigration,
};

/**
 * Creates or upgrades the PostgreSQL event store's tables (streams, events, outbox). Idempotent and
 * safe to run from several processes at once (Kysely migrates in one transaction under an advisory
 * lock). Its history lives in `events_migrations`, apart from other packages' migrations.
 * Also refuses a server whose transaction counter is behind the stored events (see below).
 * @example await migratePostgresEventStore(createPostgresDb(url));
 */
export async function migratePostgresEventStore<DB>(db: Kysely<DB>): Promise<{ applied: string[] }> {
  const result = await runMigrations(db, 'events', migrations);
  await assertTransactionCounterAhead(db);
  return result;
}

/*
 * Global positions come from transaction ids, which only grow on one cluster (physical backups,
 * replicas and pg_upgrade keep the counter). A logical dump restored into a fresh cluster restarts it
 * low: new events would then sort before old ones and readers past them would skip them. Refuse to
 * start rather than store out of order; `pg_resetwal --epoch` moves the counter past the old ids.
 */
async function assertTransactionCounterAhead<DB>(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ last_xid: string | null; next_xid: string }>`
    select (select max(global_position) / ${sql.lit(POSITIONS_PER_TRANSACTION)} from events)::text as last_xid,
           pg_snapshot_xmax(pg_current_snapshot())::text as next_xid`.execute(db);
  const row = rows[0];
  if (row?.last_xid != null && BigInt(row.last_xid) >= BigInt(row.next_xid)) {
    throw new Error(
      `the server's transaction counter (${row.next_xid}) is behind the stored events' (${row.last_xid}); ` +
        'was the database restored from a logical dump? Advance it with pg_resetwal --epoch before appending.',
    );
  }
}
