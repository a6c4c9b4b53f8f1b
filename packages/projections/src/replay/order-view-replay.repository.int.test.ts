import type { OrderLine } from '@delivery/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { foldOrderView } from '../order-view/order-view.projection';
import { listAllOrderViews, upsertOrderViewsIfNewer } from '../order-view/order-view.repository';
import type { OrderViewRow, OrderViewTableName } from '../order-view/order-view.table';
import { orderHistory, orderOutcomes, withVersions } from '../testing/order-histories';
import { projectionsTestEnvFor } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { createEmptyNextTable, upsertReplayedOrderViews } from './order-view-replay.repository';

describe.each(sqlBackends)('upserting replayed order views on $name', (backend) => {
  const env = projectionsTestEnvFor(backend);
  beforeEach(async () => {
    await createEmptyNextTable(env.db);
  });

  const byId = (a: OrderViewRow, b: OrderViewRow) => a.orderId.localeCompare(b.orderId);

  /** Each order's row at every version of its history, placed at distinct milliseconds. */
  function histories(count: number, lines?: OrderLine[]) {
    return Array.from({ length: count }, (_, n) => {
      const events = withVersions(
        orderHistory({ outcome: orderOutcomes[n % orderOutcomes.length], placedAt: new Date(Date.UTC(2026, 2, 1, 0, 0, 0, n)), ...(lines ? { lines } : {}) }),
      );
      return events.map((_, version) => foldOrderView(events.slice(0, version + 1))!);
    });
  }

  const latest = (rows: OrderViewRow[][]) => rows.map((versions) => versions.at(-1)!).sort(byId);

  it('writes more rows than fit one statement, equal to what the query-builder upsert writes', async () => {
    const rows = latest(histories(1234));
    await upsertReplayedOrderViews(env.db, 'order_view_next', rows);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(rows);

    await upsertOrderViewsIfNewer(env.db, rows, 'order_view');
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(await listAllOrderViews(env.db, 'order_view'));
  });

  it('never moves a row back to an older version, and moves it on to a newer one', async () => {
    const orders = histories(40).filter((versions) => versions.length >= 2);
    const second = orders.map((versions) => versions[1]!).sort(byId);
    await upsertReplayedOrderViews(env.db, 'order_view_next', second);

    await upsertReplayedOrderViews(
      env.db,
      'order_view_next',
      orders.map((versions) => versions[0]!),
    );
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(second);

    await upsertReplayedOrderViews(
      env.db,
      'order_view_next',
      orders.map((versions) => versions.at(-1)!),
    );
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(latest(orders));
  });

  it('keeps lines with quotes, backslashes and non-Latin text exactly, in statements cut by size', async () => {
    const name = `O'Brien's "special" \\ back\\slash ; -- 🍕 ラーメン ${'x'.repeat(300)}`;
    const lines: OrderLine[] = Array.from({ length: 60 }, (_, n) => ({
      kind: n % 2 ? 'bar' : 'food',
      itemId: n + 1,
      name: `${name} ${n}`,
      unitPrice: '1.00',
      quantity: 1,
      lineTotal: '1.00',
    }));
    // About 25 KB of lines per row: 120 rows need several statements under the size bound.
    const rows = latest(histories(120, lines));
    await upsertReplayedOrderViews(env.db, 'order_view_next', rows);
    expect(await listAllOrderViews(env.db, 'order_view_next')).toEqual(rows);
  });

  it('refuses a table that is not an order view table', async () => {
    await expect(upsertReplayedOrderViews(env.db, 'events' as OrderViewTableName, latest(histories(1)))).rejects.toThrow(RangeError);
  });
});
