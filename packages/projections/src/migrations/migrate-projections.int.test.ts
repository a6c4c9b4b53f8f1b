import { sqlFamilyOf } from '@delivery/events';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlBackends } from '../testing/sql-backends';
import { indexColumns } from '../testing/table-indexes';
import { migrateProjections } from './migrate-projections';

/** Each column's type as the database names it, with the fractional digits of a time. */
async function columnTypes(db: Kysely<unknown>, table: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ name: string; type: string; digits: number | null }>`
    select column_name as name, data_type as type, datetime_precision as digits from information_schema.columns
    where table_schema = ${sqlFamilyOf(db) === 'mysql' ? sql`database()` : sql`current_schema()`} and table_name = ${table}`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.name, `${row.type.toLowerCase()}${row.digits === null ? '' : `(${row.digits})`}`]));
}

describe.each(sqlBackends)('projections migrations on $name', (backend) => {
  let db: Kysely<unknown>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await backend.createDatabase());
  });
  afterAll(async () => {
    await drop?.();
  });

  it('can run from several processes at once and again later', async () => {
    await Promise.all([migrateProjections(db), migrateProjections(db), migrateProjections(db)]);
    await migrateProjections(db);
    const { rows } = await sql<{ name: string }>`select name from projections_migrations order by name`.execute(db);
    expect(rows.map((row) => row.name)).toEqual(['001-order-view']);
  });

  it('indexes order_view for order.list by customer, status and newest first', async () => {
    expect(await indexColumns(db, 'order_view')).toEqual({
      PRIMARY: 'order_id',
      order_view_customer_status_created: 'customer_id,status,created_at,order_id',
      order_view_status_created: 'status,created_at,order_id',
      order_view_created: 'created_at,order_id',
    });
  });

  it('stores lines as text, the total as a decimal and times to the millisecond', async () => {
    const types = await columnTypes(db, 'order_view');
    const expected =
      sqlFamilyOf(db) === 'mysql'
        ? { lines: 'longtext', total: 'decimal', created_at: 'datetime(3)', updated_at: 'datetime(3)' }
        : { lines: 'text', total: 'numeric', created_at: 'timestamp with time zone(3)', updated_at: 'timestamp with time zone(3)' };
    expect(types).toMatchObject(expected);
  });

  it('creates the checkpoint table replay writes to', async () => {
    expect(await indexColumns(db, 'projection_checkpoints')).toEqual({ PRIMARY: 'name' });
  });
});
