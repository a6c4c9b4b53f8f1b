import { sqlFamilyOf } from '@delivery/events';
import { sql, type Kysely, type Migration } from 'kysely';

export const emailLogMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // Milliseconds on either backend: DATETIME(3) holding UTC on MySQL, TIMESTAMPTZ(3) on PostgreSQL.
    const time = sqlFamilyOf(db) === 'mysql' ? sql`datetime(3)` : sql`timestamptz(3)`;
    await db.schema
      .createTable('email_log')
      .ifNotExists()
      .addColumn('event_id', 'char(36)', (column) => column.primaryKey())
      .addColumn('order_id', 'char(36)', (column) => column.notNull())
      // 320 = the longest address RFC 5321 allows.
      .addColumn('recipient', 'varchar(320)', (column) => column.notNull())
      .addColumn('sent_at', time, (column) => column.notNull())
      .addColumn('message_id', 'varchar(255)', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('email_log_order_id').ifNotExists().on('email_log').column('order_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('email_log').ifExists().execute();
  },
};
