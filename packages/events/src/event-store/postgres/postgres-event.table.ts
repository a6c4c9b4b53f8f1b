import type { ColumnType } from 'kysely';
import type { OutboxTable } from '../../outbox/outbox.table';
import type { EventsTable, StreamsTable } from '../mysql/event.table';

/**
 * The `events` table on PostgreSQL: the MySQL columns, plus the writing transaction's id. Its
 * `global_position` is `transaction_id * 1_000_000 + index in the append` (see postgres-event-store.ts).
 */
export interface PostgresEventsTable extends EventsTable {
  /** `xid8` as text; set by the column default `pg_current_xact_id()`. */
  transaction_id: ColumnType<string, never, never>;
}

/** The tables of the PostgreSQL event store, for `Kysely<PostgresEventStoreDatabase>`. */
export interface PostgresEventStoreDatabase {
  streams: StreamsTable;
  events: PostgresEventsTable;
  outbox: OutboxTable;
}
