import { type Kysely, type Migration, sql } from 'kysely';

/** How many global positions each transaction owns: one append stores at most this many events. */
export const POSITIONS_PER_TRANSACTION = 1_000_000;

/*
 * The MySQL tables' columns and meanings (streams, events, outbox), in PostgreSQL types. No
 * `event_positions` counter: positions derive from the writing transaction's id instead (see
 * postgres-event-store.ts). JSON stays text, as on MySQL: written by JSON.stringify and read back
 * byte for byte (jsonb would reorder keys and refuse "\u0000"), and the outbox relay reads `payload`
 * as a string on either backend.
 */
export const postgresEventStoreMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('streams')
      .ifNotExists()
      .addColumn('stream_id', 'varchar(200)', (column) => column.primaryKey())
      .addColumn('version', 'integer', (column) => column.notNull().check(sql`version >= 0`))
      .execute();

    await db.schema
      .createTable('events')
      .ifNotExists()
      .addColumn('global_position', 'bigint', (column) => column.primaryKey())
      .addColumn('transaction_id', sql`xid8`, (column) => column.notNull().defaultTo(sql`pg_current_xact_id()`))
      .addColumn('stream_id', 'varchar(200)', (column) => column.notNull())
      .addColumn('stream_version', 'integer', (column) => column.notNull().check(sql`stream_version >= 1`))
      .addColumn('event_id', 'varchar(36)', (column) => column.notNull().unique())
      .addColumn('event_type', 'varchar(100)', (column) => column.notNull())
      .addColumn('data', 'text', (column) => column.notNull())
      .addColumn('metadata', 'text', (column) => column.notNull())
      .addColumn('recorded_at', sql`timestamptz(3)`, (column) => column.notNull())
      .addUniqueConstraint('events_stream_version', ['stream_id', 'stream_version'])
      // readAll bounds positions by transaction id: the database itself keeps the two in step.
      .addCheckConstraint(
        'events_position_of_transaction',
        sql`global_position >= 0 and global_position / ${sql.lit(POSITIONS_PER_TRANSACTION)} = transaction_id::text::bigint`,
      )
      .execute();

    await db.schema
      .createTable('outbox')
      .ifNotExists()
      .addColumn('id', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('event_id', 'varchar(36)', (column) => column.notNull().unique())
      .addColumn('stream_id', 'varchar(200)', (column) => column.notNull())
      .addColumn('stream_version', 'integer', (column) => column.notNull())
      .addColumn('event_type', 'varchar(100)', (column) => column.notNull())
      .addColumn('correlation_id', 'varchar(200)', (column) => column.notNull())
      .addColumn('payload', 'text', (column) => column.notNull())
      .addColumn('created_at', sql`timestamptz(3)`, (column) => column.notNull())
      .addColumn('published_at', sql`timestamptz(3)`)
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0).check(sql`attempts >= 0`))
      .addColumn('last_error', 'varchar(1000)')
      .execute();
    // Partial: the relay and the status query only ever look at pending rows, oldest id first.
    await db.schema.createIndex('outbox_pending').ifNotExists().on('outbox').column('id').where(sql.ref('published_at'), 'is', null).execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['outbox', 'events', 'streams']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
