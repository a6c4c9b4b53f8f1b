import { orderStreamId, readOrderStream } from '@delivery/events';
import { applyOrderEvent } from '@delivery/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import type { LegacyErrorBody } from './legacy-error';
import type { LegacyMenuItem, LegacyOrder } from './legacy.shapes';

let api: TestApi;
let off: TestApi;

beforeAll(async () => {
  [api, off] = await Promise.all([createTestApi({ config: { LEGACY_API: 'on' } }), createTestApi()]);
});
afterAll(async () => {
  await Promise.all([api?.close(), off?.close()]);
});

function call(method: string, path: string, body?: unknown, target: TestApi = api) {
  // The original's clients sent JSON; some without a Content-Type, which the original accepted too.
  return target.request(path, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** What the projection worker does for an order, so the read model (the order list) has it. */
async function project(orderId: string) {
  const recorded = await readOrderStream(api.deps.eventStore, orderId);
  const last = recorded.at(-1)!;
  await applyOrderEvent(
    { db: api.deps.db.orders, store: api.deps.eventStore },
    { streamId: orderStreamId(orderId), streamVersion: last.streamVersion, event: last.event },
  );
}

const placeLegacyOrder = async (items = [{ name: 'Bruschetta', quantity: 2 }]) =>
  json<LegacyOrder>(await call('POST', '/order/api/create', { items, email: 'legacy.user@example.com' }), 201);

describe('the original REST paths', () => {
  it('answer 404 while LEGACY_API is off (the default)', async () => {
    expect(off.deps.config.LEGACY_API).toBe('off');
    expect((await call('GET', '/menu/api/food/getall', undefined, off)).status).toBe(404);
    expect((await call('POST', '/order/api/create', { items: [{ name: 'Bruschetta', quantity: 1 }], email: 'a@example.com' }, off)).status).toBe(404);
    expect((await call('GET', '/order/api/get', undefined, off)).status).toBe(404);
  });

  describe('menu', () => {
    it('lists a menu in the original shape: snake_case, prices as "8.50"', async () => {
      const bar = await json<LegacyMenuItem[]>(await call('GET', '/menu/api/bar/getall'), 200);
      expect(bar).toHaveLength(40);
      expect(bar[0]).toEqual({
        id: 1,
        name: 'Martini',
        description: expect.any(String),
        price: '8.50',
        available: true,
        category: 'Cocktails',
        alcohol_content: 'Medium',
      });
      const food = await json<LegacyMenuItem[]>(await call('GET', '/menu/api/food/getall/'), 200);
      expect(food).toHaveLength(39);
      expect(food[0]).not.toHaveProperty('alcohol_content');
    });

    it('filters by category, in any capitalisation, and refuses an unknown one', async () => {
      const beers = await json<LegacyMenuItem[]>(await call('GET', '/menu/api/bar/getall/beer'), 200);
      expect(beers.length).toBe(8);
      expect(beers.every((item) => item.category === 'Beer')).toBe(true);
      const refused = await json<LegacyErrorBody>(await call('GET', '/menu/api/bar/getall/Pizza'), 400);
      expect(refused.detail).toMatch(/^category: /);
      expect((await call('GET', '/menu/api/drinks/getall')).status).toBe(404);
    });

    it('creates from a JSON array with prices as numbers, answering 201 in the original shape', async () => {
      const created = await json<LegacyMenuItem[]>(
        await call('POST', '/menu/api/bar/create/', [
          { id: 999, name: 'Legacy Spritz', description: 'Aperitivo', price: 8.5, available: true, category: 'Cocktails', alcohol_content: 'Medium' },
        ]),
        201,
      );
      expect(created).toEqual([expect.objectContaining({ name: 'Legacy Spritz', price: '8.50', alcohol_content: 'Medium' })]);
      expect(created[0]?.id).not.toBe(999);
    });

    it('answers 400 naming the legacy field of a bad item, and writes nothing', async () => {
      const before = await json<unknown[]>(await call('GET', '/menu/api/bar/getall'), 200);
      const refused = await json<LegacyErrorBody>(
        await call('POST', '/menu/api/bar/create', [
          { name: 'Fine', price: '7.00', category: 'Beer', alcohol_content: 'Medium' },
          { name: 'Bad', price: -1, category: 'Beer' },
        ]),
        400,
      );
      expect(refused.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(['[1].price', '[1].alcohol_content']));
      expect(refused.detail).toContain('[1].alcohol_content');
      expect(await json<unknown[]>(await call('GET', '/menu/api/bar/getall'), 200)).toHaveLength(before.length);
      expect((await json<LegacyErrorBody>(await call('POST', '/menu/api/bar/create', { name: 'x' }), 400)).detail).toMatch(/JSON array/);
      expect((await json<LegacyErrorBody>(await call('POST', '/menu/api/bar/create', '{not json'), 400)).detail).toMatch(/not valid JSON/);
    });

    it('updates listed items, or every item with Update_All', async () => {
      const [updated] = await json<LegacyMenuItem[]>(await call('PUT', '/menu/api/food/update', { Update_All: false, data: [{ id: 2, price: 9 }] }), 200);
      expect(updated).toMatchObject({ id: 2, price: '9.00' });
      const missing = await json<LegacyErrorBody>(await call('PUT', '/menu/api/food/update', { Update_All: false, data: [{ id: 99_999, price: 1 }] }), 404);
      expect(missing.code).toBe('NOT_FOUND');
      const all = await json<{ updated: number }>(await call('PUT', '/menu/api/food/update', { Update_All: true, data: { available: true } }), 200);
      expect(all.updated).toBeGreaterThanOrEqual(39);
      const bad = await json<LegacyErrorBody>(await call('PUT', '/menu/api/bar/update', { Update_All: true, data: { alcohol_content: 'Extreme' } }), 400);
      expect(bad.detail).toMatch(/^data\.alcohol_content: /);
    });

    it('prices items by name, food first where a name is on both menus', async () => {
      const foodMojito = (await json<LegacyMenuItem[]>(await call('GET', '/menu/api/food/getall/beverages'), 200)).find((item) => item.name === 'Mojito')!;
      const martini = (await json<LegacyMenuItem[]>(await call('GET', '/menu/api/bar/getall/Cocktails'), 200)).find((item) => item.name === 'Martini')!;
      const cost = await json<{ total_cost: string }>(
        await call('POST', '/menu/api/total/cost', {
          items: [
            { name: 'mojito', quantity: 2 },
            { name: 'Martini', quantity: 1 },
          ],
        }),
        200,
      );
      const cents = (price: string) => Math.round(Number(price) * 100);
      expect(cents(cost.total_cost)).toBe(cents(foodMojito.price) * 2 + cents(martini.price));
      expect(cost.total_cost).toMatch(/^\d+\.\d{2}$/);
      const unknown = await json<LegacyErrorBody>(await call('POST', '/menu/api/total/cost', { items: [{ name: 'Unicorn Steak', quantity: 1 }] }), 400);
      expect(unknown.detail).toBe('items[0].name: no menu item named "Unicorn Steak"');
      const badQuantity = await json<LegacyErrorBody>(await call('POST', '/menu/api/total/cost', { items: [{ name: 'Martini', quantity: 0 }] }), 400);
      expect(badQuantity.detail).toBe('items[0].quantity: must be at least 1');
    });
  });

  describe('orders', () => {
    it('places an order by item names, answering 201 with the original fields', async () => {
      const order = await placeLegacyOrder();
      expect(order).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        items: [{ name: 'Bruschetta', quantity: 2, price: expect.stringMatching(/^\d+\.\d{2}$/) }],
        created_at: expect.any(String),
        updated_at: expect.any(String),
        total: expect.stringMatching(/^\d+\.\d{2}$/),
        status: 'pending',
        email: 'legacy.user@example.com',
      });
      const history = await api.caller({ sub: 'root', role: 'admin' }).order.history({ orderId: order.id });
      expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced']);
    });

    it('answers 400 for a missing email or an unknown item', async () => {
      const noEmail = await json<LegacyErrorBody>(await call('POST', '/order/api/create', { items: [{ name: 'Bruschetta', quantity: 1 }] }), 400);
      expect(noEmail.detail).toMatch(/^email: /);
      const unknown = await json<LegacyErrorBody>(
        await call('POST', '/order/api/create', { items: [{ name: 'Nope', quantity: 1 }], email: 'a@example.com' }),
        400,
      );
      expect(unknown.issues?.[0]?.path).toBe('items[0].name');
    });

    it('gets an order by id, and answers 404 for a missing or integer id', async () => {
      const placed = await placeLegacyOrder();
      expect(await json<LegacyOrder>(await call('GET', `/order/api/get/${placed.id}`), 200)).toMatchObject({ id: placed.id, status: 'pending' });
      expect((await json<LegacyErrorBody>(await call('GET', `/order/api/get/${crypto.randomUUID()}`), 404)).code).toBe('NOT_FOUND');
      expect((await call('GET', '/order/api/get/42')).status).toBe(404);
    });

    it('lists every order of the read model', async () => {
      const placed = await placeLegacyOrder();
      await project(placed.id);
      const orders = await json<LegacyOrder[]>(await call('GET', '/order/api/get'), 200);
      expect(orders.map((order) => order.id)).toContain(placed.id);
      expect(orders.find((order) => order.id === placed.id)).toEqual(placed);
    });

    it('changes status only along the state machine', async () => {
      const { id } = await placeLegacyOrder();
      expect(await json<LegacyOrder>(await call('PUT', `/order/api/update/${id}`, { status: 'accepted' }), 200)).toMatchObject({ status: 'accepted' });
      const back = await json<LegacyErrorBody>(await call('PUT', `/order/api/update/${id}`, { status: 'pending' }), 409);
      expect(back).toMatchObject({ code: 'CONFLICT', current_status: 'accepted', current_version: 2 });
      expect((await json<LegacyErrorBody>(await call('PUT', `/order/api/update/${id}`, { status: 'cancelled' }), 409)).current_status).toBe('accepted');
      expect(await json<LegacyOrder>(await call('PUT', `/order/api/update/${id}`, { status: 'delivered' }), 200)).toMatchObject({ status: 'delivered' });
      // Asking again for the status it has changes nothing.
      expect(await json<LegacyOrder>(await call('PUT', `/order/api/update/${id}/`, { status: 'delivered' }), 200)).toMatchObject({ status: 'delivered' });
      const history = await api.caller({ sub: 'root', role: 'admin' }).order.history({ orderId: id });
      expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderDelivered']);
    });

    it('cancels and rejects through the commands, and refuses unknown statuses and ids', async () => {
      const cancelled = await placeLegacyOrder();
      expect(await json<LegacyOrder>(await call('PUT', `/order/api/update/${cancelled.id}`, { status: 'cancelled' }), 200)).toMatchObject({
        status: 'cancelled',
      });
      const rejected = await placeLegacyOrder();
      expect(await json<LegacyOrder>(await call('PUT', `/order/api/update/${rejected.id}`, { status: 'rejected' }), 200)).toMatchObject({ status: 'rejected' });
      const bogus = await json<LegacyErrorBody>(await call('PUT', `/order/api/update/${rejected.id}`, { status: 'eaten' }), 400);
      expect(bogus.detail).toMatch(/^status: /);
      expect((await call('PUT', `/order/api/update/${crypto.randomUUID()}`, { status: 'accepted' })).status).toBe(404);
    });

    it('answers 403 when asked to cancel an order placed outside the original paths', async () => {
      const placed = await api
        .caller({ sub: 'alice', role: 'customer', email: 'alice@example.com' })
        .order.place({ items: [{ kind: 'food', id: 1, quantity: 1 }] });
      const refused = await json<LegacyErrorBody>(await call('PUT', `/order/api/update/${placed.orderId}`, { status: 'cancelled' }), 403);
      expect(refused.code).toBe('FORBIDDEN');
      expect(await json<LegacyOrder>(await call('GET', `/order/api/get/${placed.orderId}`), 200)).toMatchObject({ status: 'pending' });
    });
  });
});
