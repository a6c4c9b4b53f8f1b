import { ValidationError, type OrderStatus } from '@delivery/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderHistory, orderOutcomes, withVersions } from '../testing/order-histories';
import { createProjectionsTestEnv, type ProjectionsTestEnv } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { foldOrderView } from './order-view.projection';
import { encodeOrderCursor } from './order-view.cursor';
import { getOrder, getOrderView, getOrderWithOwner, listOrders, upsertOrderViewsIfNewer, type ListOrdersQuery } from './order-view.repository';
import type { OrderViewRow } from './order-view.table';
import type { Order, OrderPage } from './order.schema';

describe.each(sqlBackends)('order view repository on $name', (backend) => {
  let env: ProjectionsTestEnv;
  const rows: OrderViewRow[] = [];
  const customers = ['alice', 'bob', 'carol'];

  beforeAll(async () => {
    env = await createProjectionsTestEnv(backend);
    // 60 orders over 3 customers and every status; placed in 20 distinct milliseconds so many share
    // created_at and the order id has to break ties.
    for (let n = 0; n < 60; n++) {
      const events = orderHistory({
        customerId: customers[n % 3],
        outcome: orderOutcomes[n % orderOutcomes.length],
        placedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, n % 20)),
      });
      rows.push(foldOrderView(withVersions(events))!);
    }
    await upsertOrderViewsIfNewer(env.db, rows);
  });
  afterAll(async () => {
    await env?.drop();
  });

  /** Newest first, ties by order id descending: the order `order.list` promises. */
  const newestFirst = (a: OrderViewRow, b: OrderViewRow) => b.createdAt.localeCompare(a.createdAt) || b.orderId.localeCompare(a.orderId);

  async function walk(query: ListOrdersQuery): Promise<{ items: Order[]; pages: number }> {
    const items: Order[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: OrderPage = await listOrders(env.db, { ...query, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { items, pages };
  }

  describe('get', () => {
    it('returns the public Order shape, without the owner', async () => {
      const row = rows[0]!;
      const order = await getOrder(env.db, row.orderId);
      expect(order).toEqual({
        orderId: row.orderId,
        status: row.status,
        email: row.email,
        lines: row.lines,
        total: row.total,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
        version: row.version,
      });
      expect(order).not.toHaveProperty('customerId');
    });

    it('gives the owner beside the order for access checks', async () => {
      const row = rows[1]!;
      expect(await getOrderWithOwner(env.db, row.orderId)).toEqual({ order: await getOrder(env.db, row.orderId), ownerId: row.customerId });
    });

    it('answers null for an order the read model does not have', async () => {
      expect(await getOrder(env.db, crypto.randomUUID())).toBeNull();
      expect(await getOrderWithOwner(env.db, crypto.randomUUID())).toBeNull();
    });
  });

  describe('list', () => {
    it('walks every order exactly once, newest first, page by page', async () => {
      const { items, pages } = await walk({ limit: 7 });
      expect(items.map((order) => order.orderId)).toEqual([...rows].sort(newestFirst).map((row) => row.orderId));
      expect(pages).toBe(Math.ceil(60 / 7));
    });

    it('ends with a null cursor on a page that is exactly full', async () => {
      const { pages } = await walk({ limit: 20 });
      expect(pages).toBe(3);
    });

    it('defaults to pages of 20', async () => {
      const page = await listOrders(env.db);
      expect(page.items).toHaveLength(20);
      expect(page.nextCursor).not.toBeNull();
    });

    it.each(customers)('lists only the orders of customer %s', async (customerId) => {
      const { items } = await walk({ customerId, limit: 6 });
      const expected = rows.filter((row) => row.customerId === customerId).sort(newestFirst);
      expect(items.map((order) => order.orderId)).toEqual(expected.map((row) => row.orderId));
    });

    it.each(orderOutcomes as OrderStatus[])('lists only %s orders', async (status) => {
      const { items } = await walk({ status, limit: 5 });
      const expected = rows.filter((row) => row.status === status).sort(newestFirst);
      expect(items.map((order) => order.orderId)).toEqual(expected.map((row) => row.orderId));
    });

    it('combines the customer and status filters', async () => {
      const { items } = await walk({ customerId: 'bob', status: 'accepted', limit: 1 });
      const expected = rows.filter((row) => row.customerId === 'bob' && row.status === 'accepted').sort(newestFirst);
      expect(expected.length).toBeGreaterThan(1);
      expect(items.map((order) => order.orderId)).toEqual(expected.map((row) => row.orderId));
    });

    it('answers an unknown customer with an empty page', async () => {
      expect(await listOrders(env.db, { customerId: 'nobody' })).toEqual({ items: [], nextCursor: null });
    });

    it('continues after a cursor whose row is gone', async () => {
      const sorted = [...rows].sort(newestFirst);
      const gone = encodeOrderCursor({ createdAt: sorted[9]!.createdAt, orderId: sorted[9]!.orderId.replace(/.$/, '0') });
      const page = await listOrders(env.db, { cursor: gone, limit: 100 });
      expect(page.items.every((order) => order.createdAt <= sorted[9]!.createdAt)).toBe(true);
      expect(page.nextCursor).toBeNull();
    });

    it.each([0, 101, 2.5])('refuses a limit of %s', async (limit) => {
      await expect(listOrders(env.db, { limit })).rejects.toThrow(ValidationError);
    });

    it('refuses a cursor it did not make', async () => {
      await expect(listOrders(env.db, { cursor: 'eyJub3QiOiJ0aGlzIn0' })).rejects.toThrow(/^cursor: /);
    });
  });

  describe('upsert if newer', () => {
    it('keeps the newer row when an older version arrives later', async () => {
      const history = withVersions(orderHistory({ outcome: 'delivered' }));
      const delivered = foldOrderView(history)!;
      const placed = foldOrderView(history.slice(0, 1))!;
      await upsertOrderViewsIfNewer(env.db, [delivered]);
      await upsertOrderViewsIfNewer(env.db, [placed]);
      expect(await getOrderView(env.db, delivered.orderId)).toEqual(delivered);
    });

    it('moves a row on when a newer version arrives', async () => {
      const history = withVersions(orderHistory({ outcome: 'accepted' }));
      await upsertOrderViewsIfNewer(env.db, [foldOrderView(history.slice(0, 1))!]);
      await upsertOrderViewsIfNewer(env.db, [foldOrderView(history)!]);
      expect(await getOrderView(env.db, history[0]!.event.data.orderId)).toMatchObject({ status: 'accepted', version: 2 });
    });

    it('writes the newest of several rows of one order given at once', async () => {
      const history = withVersions(orderHistory({ outcome: 'delivered' }));
      const versions = history.map((_, index) => foldOrderView(history.slice(0, index + 1))!);
      await upsertOrderViewsIfNewer(env.db, [versions[1]!, versions[2]!, versions[0]!]);
      expect(await getOrderView(env.db, versions[2]!.orderId)).toEqual(versions[2]);
    });
  });
});
