import { sqlFamilyOf } from '@delivery/events';
import { sql, type Kysely, type Migration } from 'kysely';

/*
 * The same columns on MySQL and PostgreSQL, in each one's types: JSON as text (LONGTEXT / TEXT, read back
 * byte for byte), times with milliseconds (DATETIME(3) holding UTC / TIMESTAMPTZ(3)), DECIMAL(12,2)
 * (a string when read back from either).
 */
const columnTypes = (db: Kysely<unknown>) =>
  sqlFamilyOf(db) === 'mysql' ? { json: sql`longtext`, time: sql`datetime(3)` } : { json: sql`text`, time: sql`timestamptz(3)` };

export const orderViewMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const types = columnTypes(db);
    await db.schema
      .createTable('order_view')
      .ifNotExists()
      .addColumn('order_id', 'char(36)', (column) => column.primaryKey())
      .addColumn('customer_id', 'varchar(255)', (column) => column.notNull())
      .addColumn('email', 'varchar(320)', (column) => column.notNull())
      .addColumn('status', 'varchar(16)', (column) => column.notNull())
      .addColumn('lines', types.json, (column) => column.notNull())
      .addColumn('total', 'decimal(12, 2)', (column) => column.notNull())
      .addColumn('created_at', types.time, (column) => column.notNull())
      .addColumn('updated_at', types.time, (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .execute();
    // order.list walks newest first by (created_at, order_id), filtered by owner and/or status: each index
    // serves one filter combination without a filesort. A customer listing all statuses has few rows, so
    // the first index (a range over the customer) is enough there.
    await db.schema
      .createIndex('order_view_customer_status_created')
      .ifNotExists()
      .on('order_view')
      .columns(['customer_id', 'status', 'created_at', 'order_id'])
      .execute();
    await db.schema.createIndex('order_view_status_created').ifNotExists().on('order_view').columns(['status', 'created_at', 'order_id']).execute();
    // Vendors and admins listing every order, newest first.
    await db.schema.createIndex('order_view_created').ifNotExists().on('order_view').columns(['created_at', 'order_id']).execute();

    // Global positions of event-store readers (replay), each moved in the transaction of the rows it covers.
    await db.schema
      .createTable('projection_checkpoints')
      .ifNotExists()
      .addColumn('name', 'varchar(100)', (column) => column.primaryKey())
      .addColumn('position', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', types.time, (column) => column.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('projection_checkpoints').ifExists().execute();
    await db.schema.dropTable('order_view').ifExists().execute();
  },
};
