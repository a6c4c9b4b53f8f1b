import type { OrderLine } from '@delivery/events';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { foldOrderView } from '../order-view/order-view.projection';
import { listAllOrderViews } from '../order-view/order-view.repository';
import type { OrderViewRow } from '../order-view/order-view.table';
import { orderHistory, orderOutcomes, withVersions } from '../testing/order-histories';
import { projectionsTestEnvFor } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import {
  canLoadRebuiltOrderViews,
  createEmptyNextTable,
  loadRebuiltOrderViews,
  LoadWarningsError,
  upsertReplayedOrderViews,
} from './order-view-replay.repository';

const mariadb = sqlBackends.find((backend) => backend.name === 'MariaDB')!;

describe('loading rebuilt order views from a local file on MariaDB', () => {
  const env = projectionsTestEnvFor(mariadb);
  beforeEach(async () => {
    await createEmptyNextTable(env.db);
  });

  /** Each order's row at every version, with characters the file format must escape in every text column. */
  function histories(count: number, lines?: OrderLine[]): OrderViewRow[][] {
    return Array.from({ length: count }, (_, n) => {
      const events = withVersions(
        orderHistory({
          outcome: orderOutcomes[n % orderOutcomes.length],
          customerId: `tab\there\nnewline\\back\\slash \\N 'quote' ${n}`,
          placedAt: new Date(Date.UTC(2026, 2, 1, 0, 0, 0, n)),
          ...(lines ? { lines } : {}),
        }),
      );
      return events.map((_, version) => foldOrderView(events.slice(0, version + 1))!);
    });
  }
  const byId = (a: OrderViewRow, b: OrderViewRow) => a.orderId.localeCompare(b.orderId);
  const latest = (rows: OrderViewRow[][]) => rows.map((versions) => versions.at(-1)!).sort(byId);

  it('is possible on a pool of createMysqlDb when the server allows LOAD DATA LOCAL', async () => {
    expect(await canLoadRebuiltOrderViews(env.db)).toBe(true);
  });

  it('writes exactly what the upserts write, escapes included, over several chunks of the file', async () => {
    const name = `tab\tnewline\nback\\slash "quoted" \\t 🍕 ラーメン ${'x'.repeat(300)}`;
    const lines: OrderLine[] = Array.from({ length: 40 }, (_, n) => ({
      kind: 'food',
      itemId: n + 1,
      name: `${name} ${n}`,
      unitPrice: '1.00',
      quantity: 1,
      lineTotal: '1.00',
    }));
    // About 17 KB per row: 60 rows take several 256 KB chunks.
    const rows = latest(histories(60, lines));
    await loadRebuiltOrderViews(env.db, rows);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(rows);

    await createEmptyNextTable(env.db);
    await upsertReplayedOrderViews(env.db, 'order_view_next', rows);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(rows);
  });

  it('replaces the rows of orders it loads again, further along', async () => {
    const orders = histories(30).filter((versions) => versions.length >= 2);
    await loadRebuiltOrderViews(
      env.db,
      orders.map((versions) => versions[0]!),
    );
    await loadRebuiltOrderViews(
      env.db,
      orders.map((versions) => versions.at(-1)!),
    );
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(latest(orders));
  });

  it('refuses a value the table would cut, as an upsert does, in strict mode or not', async () => {
    const [row] = latest(histories(1));
    const tooLong = { ...row!, email: `${'x'.repeat(330)}@example.com` };
    await expect(upsertReplayedOrderViews(env.db, 'order_view_next', [tooLong])).rejects.toThrow(/too long/i);
    await expect(loadRebuiltOrderViews(env.db, [tooLong])).rejects.toThrow(/too long/i);
    // Without strict mode the server only warns and cuts the value: the load reports it for the caller to roll back.
    await env.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ mode: string }>`select @@session.sql_mode as mode`.execute(connection);
      await sql`set session sql_mode = ''`.execute(connection);
      try {
        await expect(loadRebuiltOrderViews(connection, [tooLong])).rejects.toBeInstanceOf(LoadWarningsError);
      } finally {
        await sql`set session sql_mode = ${rows[0]!.mode}`.execute(connection);
      }
    });
  });

  it('serves the server no file it was not offered', async () => {
    await expect(sql.raw("load data local infile '/etc/hostname' into table order_view_next").execute(env.db)).rejects.toThrow(/not offered/);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual([]);
  });
});
