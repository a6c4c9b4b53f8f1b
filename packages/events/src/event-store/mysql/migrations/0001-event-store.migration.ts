import { type Kysely, type Migration, sql } from 'kysely';

// Binary collation: stream ids and event types compare byte for byte, whatever the database default.
const tableOptions = sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export const eventStoreMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('streams')
      .ifNotExists()
      .addColumn('stream_id', 'varchar(200)', (column) => column.primaryKey())
      .addColumn('version', sql`int unsigned`, (column) => column.notNull())
      .modifyEnd(tableOptions)
      .execute();

    // Clustered on global_position, so readAll is a primary-key range scan.
    await db.schema
      .createTable('events')
      .ifNotExists()
      .addColumn('global_position', sql`bigint unsigned`, (column) => column.primaryKey())
      .addColumn('stream_id', 'varchar(200)', (column) => column.notNull())
      .addColumn('stream_version', sql`int unsigned`, (column) => column.notNull())
      .addColumn('event_id', 'char(36)', (column) => column.notNull().unique())
      .addColumn('event_type', 'varchar(100)', (column) => column.notNull())
      // JSON as plain LONGTEXT: with a json_valid check MariaDB flags the column as JSON and mysql2
      // parses it, while MySQL would not; the store writes JSON.stringify output and parses it itself.
      .addColumn('data', sql`longtext`, (column) => column.notNull())
      .addColumn('metadata', sql`longtext`, (column) => column.notNull())
      .addColumn('recorded_at', sql`datetime(3)`, (column) => column.notNull())
      .addUniqueConstraint('events_stream_version', ['stream_id', 'stream_version'])
      .modifyEnd(tableOptions)
      .execute();

    await db.schema
      .createTable('event_positions')
      .ifNotExists()
      .addColumn('id', sql`tinyint unsigned`, (column) => column.primaryKey())
      .addColumn('last_position', sql`bigint unsigned`, (column) => column.notNull())
      .modifyEnd(tableOptions)
      .execute();
    await sql`insert ignore into event_positions (id, last_position) values (1, 0)`.execute(db);

    await db.schema
      .createTable('outbox')
      .ifNotExists()
      .addColumn('id', sql`bigint unsigned`, (column) => column.autoIncrement().primaryKey())
      .addColumn('event_id', 'char(36)', (column) => column.notNull().unique())
      .addColumn('stream_id', 'varchar(200)', (column) => column.notNull())
      .addColumn('stream_version', sql`int unsigned`, (column) => column.notNull())
      .addColumn('event_type', 'varchar(100)', (column) => column.notNull())
      .addColumn('correlation_id', 'varchar(200)', (column) => column.notNull())
      .addColumn('payload', sql`longtext`, (column) => column.notNull())
      .addColumn('created_at', sql`datetime(3)`, (column) => column.notNull())
      .addColumn('published_at', sql`datetime(3)`)
      .addColumn('attempts', sql`int unsigned`, (column) => column.notNull().defaultTo(0))
      .addColumn('last_error', 'varchar(1000)')
      .modifyEnd(tableOptions)
      .execute();
    await db.schema.createIndex('outbox_pending').ifNotExists().on('outbox').columns(['published_at', 'id']).execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['outbox', 'event_positions', 'events', 'streams']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
