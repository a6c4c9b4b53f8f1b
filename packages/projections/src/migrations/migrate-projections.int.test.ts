import { createMysqlDb } from '@delivery/events';
import { createTestMysqlDatabase, type TestDatabase } from '@delivery/events/testing';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateProjections } from './migrate-projections';

let database: TestDatabase;
let db: Kysely<unknown>;
beforeAll(async () => {
  database = await createTestMysqlDatabase('projmig');
  db = createMysqlDb(database.url);
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

async function indexColumns(table: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ name: string; columns: string }>`
    select index_name as name, group_concat(column_name order by seq_in_index) as columns
    from information_schema.statistics where table_schema = database() and table_name = ${table}
    group by index_name`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.name, row.columns]));
}

describe('projections migrations', () => {
  it('can run from several processes at once and again later', async () => {
    await Promise.all([migrateProjections(db), migrateProjections(db), migrateProjections(db)]);
    await migrateProjections(db);
    const { rows } = await sql<{ name: string }>`select name from projections_migrations order by name`.execute(db);
    expect(rows.map((row) => row.name)).toEqual(['001-order-view']);
  });

  it('indexes order_view for order.list by customer, status and newest first', async () => {
    expect(await indexColumns('order_view')).toEqual({
      PRIMARY: 'order_id',
      order_view_customer_status_created: 'customer_id,status,created_at,order_id',
      order_view_status_created: 'status,created_at,order_id',
      order_view_created: 'created_at,order_id',
    });
  });

  it('creates the checkpoint table replay writes to', async () => {
    expect(await indexColumns('projection_checkpoints')).toEqual({ PRIMARY: 'name' });
  });
});
