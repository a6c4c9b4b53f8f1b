import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, outcomeOf, type TestApi } from '../testing';
import { priceOrderLines } from './menu.pricing';
import { getMenuItem } from './menu.repository';

let api: TestApi;
const admin = { sub: 'admin', role: 'admin' } as const;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

async function messageOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return error.message;
    throw error;
  }
  throw new Error('the call succeeded');
}

const newFood = (name: string, price = '5.00') => ({ name, price, category: 'Sides' as const });

describe('menu router', () => {
  describe('list', () => {
    it('lists the seeded food menu ordered by id', async () => {
      const items = await api.caller(null).menu.food.list();
      expect(items.length).toBeGreaterThanOrEqual(39);
      expect(items.map((item) => item.id)).toEqual([...items.map((item) => item.id)].sort((a, b) => a - b));
      expect(items[0]).toEqual({
        id: expect.any(Number),
        name: 'Bruschetta',
        description: 'Toasted bread topped with tomatoes, garlic, and basil',
        price: '8.99',
        available: true,
        category: 'Appetizers',
      });
    });

    it('lists bar items with their alcohol content', async () => {
      const items = await api.caller(null).menu.bar.list({ category: 'Cocktails' });
      expect(items[0]).toMatchObject({ name: 'Martini', price: '8.50', category: 'Cocktails', alcoholContent: 'Medium' });
      expect(items.every((item) => item.category === 'Cocktails')).toBe(true);
    });

    it('filters by category and availability', async () => {
      const caller = api.caller(null);
      const [created] = await api.caller(admin).menu.food.create({ items: [{ ...newFood('Hidden fries'), available: false }] });
      const entrees = await caller.menu.food.list({ category: 'Entrees' });
      expect(entrees.length).toBeGreaterThan(0);
      expect(entrees.every((item) => item.category === 'Entrees')).toBe(true);
      const unavailable = await caller.menu.food.list({ available: false });
      expect(unavailable.map((item) => item.id)).toContain(created!.id);
      expect(unavailable.every((item) => !item.available)).toBe(true);
    });
  });

  describe('get', () => {
    it('answers one item', async () => {
      const [first] = await api.caller(null).menu.bar.list();
      await expect(api.caller(null).menu.bar.get({ id: first!.id })).resolves.toEqual(first);
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      expect(await outcomeOf(api.caller(null).menu.food.get({ id: 999_999 }))).toBe('NOT_FOUND');
    });
  });

  describe('create', () => {
    it('creates items with ids in input order, defaults filled in and prices exact', async () => {
      const created = await api.caller(admin).menu.bar.create({
        items: [
          { name: 'House lager', price: '4.10', category: 'Beer', alcoholContent: 'Medium' },
          { name: 'Virgin mule', description: 'Ginger and lime', price: '0.20', category: 'Mocktails', alcoholContent: 'None', available: false },
        ],
      });
      expect(created).toEqual([
        { id: expect.any(Number), name: 'House lager', description: '', price: '4.10', available: true, category: 'Beer', alcoholContent: 'Medium' },
        {
          id: expect.any(Number),
          name: 'Virgin mule',
          description: 'Ginger and lime',
          price: '0.20',
          available: false,
          category: 'Mocktails',
          alcoholContent: 'None',
        },
      ]);
      expect(created[1]!.id).toBeGreaterThan(created[0]!.id);
      await expect(api.caller(null).menu.bar.get({ id: created[0]!.id })).resolves.toEqual(created[0]);
    });

    it('creates nothing when one item of the batch is refused', async () => {
      const before = await api.caller(null).menu.food.list();
      const message = await messageOf(
        api.caller(admin).menu.food.create({
          items: [newFood('Fine'), { ...newFood('Bad'), category: 'Cocktails' as never }],
        }),
      );
      expect(message).toMatch(/^items\[1\]\.category: /);
      expect(await api.caller(null).menu.food.list()).toEqual(before);
    });
  });

  describe('update', () => {
    it('changes only the fields it names', async () => {
      const [item] = await api.caller(admin).menu.food.create({ items: [newFood('Onion rings', '3.50')] });
      const [updated] = await api.caller(admin).menu.food.update({ items: [{ id: item!.id, price: '3.75' }] });
      expect(updated).toEqual({ ...item, price: '3.75' });
      expect(await getMenuItem(api.deps.db.menu, 'food', item!.id)).toEqual(updated);
    });

    it('writes nothing when one id of the batch is unknown, and names it', async () => {
      const [a, b] = await api.caller(admin).menu.food.create({ items: [newFood('Slaw', '2.00'), newFood('Pickles', '1.00')] });
      const call = api.caller(admin).menu.food.update({
        items: [
          { id: a!.id, name: 'Coleslaw' },
          { id: 999_998, price: '9.99' },
          { id: b!.id, available: false },
        ],
      });
      await expect(call).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'items[1].id: no food item with id 999998' });
      expect(await getMenuItem(api.deps.db.menu, 'food', a!.id)).toEqual(a);
      expect(await getMenuItem(api.deps.db.menu, 'food', b!.id)).toEqual(b);
    });

    it('refuses the same id twice in one batch', async () => {
      const [item] = await api.caller(admin).menu.food.create({ items: [newFood('Gravy')] });
      const message = await messageOf(
        api.caller(admin).menu.food.update({
          items: [
            { id: item!.id, price: '1.00' },
            { id: item!.id, price: '2.00' },
          ],
        }),
      );
      expect(message).toBe(`items[1].id: id ${item!.id} appears more than once`);
    });

    it('refuses a patch that changes nothing', async () => {
      const [item] = await api.caller(admin).menu.food.create({ items: [newFood('Mash')] });
      expect(await messageOf(api.caller(admin).menu.food.update({ items: [{ id: item!.id }] }))).toBe('items[0]: must change at least one field');
    });

    it('updates a bar item alcohol content', async () => {
      const [item] = await api.caller(admin).menu.bar.create({ items: [{ name: 'Spritz', price: '7.00', category: 'Cocktails', alcoholContent: 'Medium' }] });
      const [updated] = await api.caller(admin).menu.bar.update({ items: [{ id: item!.id, alcoholContent: 'Strong' }] });
      expect(updated).toEqual({ ...item, alcoholContent: 'Strong' });
    });
  });

  describe('updateAll', () => {
    it('applies one patch to every item of the kind and counts them', async () => {
      const all = await api.caller(null).menu.bar.list();
      try {
        await expect(api.caller(admin).menu.bar.updateAll({ patch: { available: false } })).resolves.toEqual({ updated: all.length });
        expect(await api.caller(null).menu.bar.list({ available: true })).toEqual([]);
        expect((await api.caller(null).menu.food.list({ available: true })).length).toBeGreaterThan(0);
      } finally {
        await api.caller(admin).menu.bar.updateAll({ patch: { available: true } });
      }
    });

    it('refuses an empty patch', async () => {
      expect(await messageOf(api.caller(admin).menu.food.updateAll({ patch: {} }))).toBe('patch: must change at least one field');
    });
  });

  describe('delete', () => {
    it('removes an item, after which it is not found', async () => {
      const [item] = await api.caller(admin).menu.food.create({ items: [newFood('Leftovers')] });
      await expect(api.caller(admin).menu.food.delete({ id: item!.id })).resolves.toEqual({ id: item!.id });
      expect(await outcomeOf(api.caller(null).menu.food.get({ id: item!.id }))).toBe('NOT_FOUND');
      expect(await outcomeOf(api.caller(admin).menu.food.delete({ id: item!.id }))).toBe('NOT_FOUND');
    });
  });

  describe('quote', () => {
    it('prices lines from the menu and totals them exactly', async () => {
      const [dime, twenty] = await api.caller(admin).menu.food.create({ items: [newFood('Mint', '0.10'), newFood('Gum', '0.20')] });
      const [beer] = await api.caller(admin).menu.bar.create({ items: [{ name: 'Small beer', price: '3.35', category: 'Beer', alcoholContent: 'Medium' }] });
      const quote = await api.caller(null).menu.quote({
        items: [
          { kind: 'food', id: dime!.id, quantity: 3 },
          { kind: 'food', id: twenty!.id, quantity: 1 },
          { kind: 'bar', id: beer!.id, quantity: 100 },
        ],
      });
      expect(quote).toEqual({
        lines: [
          { kind: 'food', itemId: dime!.id, name: 'Mint', unitPrice: '0.10', quantity: 3, lineTotal: '0.30' },
          { kind: 'food', itemId: twenty!.id, name: 'Gum', unitPrice: '0.20', quantity: 1, lineTotal: '0.20' },
          { kind: 'bar', itemId: beer!.id, name: 'Small beer', unitPrice: '3.35', quantity: 100, lineTotal: '335.00' },
        ],
        total: '335.50',
      });
    });

    it('refuses an unknown item, naming its place', async () => {
      const [item] = await api.caller(null).menu.food.list();
      const call = api.caller(null).menu.quote({
        items: [
          { kind: 'food', id: item!.id, quantity: 1 },
          { kind: 'bar', id: 999_997, quantity: 1 },
        ],
      });
      await expect(call).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'items[1].id: no bar item with id 999997' });
    });

    it('refuses an unavailable item', async () => {
      const [item] = await api.caller(admin).menu.food.create({ items: [{ ...newFood('Sold out pie'), available: false }] });
      const call = api.caller(null).menu.quote({ items: [{ kind: 'food', id: item!.id, quantity: 1 }] });
      await expect(call).rejects.toMatchObject({ code: 'BAD_REQUEST', message: `items[0].id: food item ${item!.id} (Sold out pie) is not available` });
    });

    it.each([0, 101, 1.5])('refuses quantity %s, naming the field', async (quantity) => {
      const [item] = await api.caller(null).menu.food.list();
      const items = [
        { kind: 'food' as const, id: item!.id, quantity: 1 },
        { kind: 'food' as const, id: item!.id, quantity: 1 },
        { kind: 'food' as const, id: item!.id, quantity },
      ];
      await expect(api.caller(null).menu.quote({ items })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^items\[2\]\.quantity: /),
      });
    });

    it('is what the order side prices with', async () => {
      const [item] = await api.caller(null).menu.food.list({ category: 'Desserts' });
      const priced = await priceOrderLines(api.deps.db.menu, [{ kind: 'food', id: item!.id, quantity: 2 }]);
      const quoted = await api.caller(null).menu.quote({ items: [{ kind: 'food', id: item!.id, quantity: 2 }] });
      expect(priced).toEqual(quoted);
    });

    it('refuses a quantity out of range when called directly too', async () => {
      const [item] = await api.caller(null).menu.food.list();
      await expect(priceOrderLines(api.deps.db.menu, [{ kind: 'food', id: item!.id, quantity: 101 }])).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        field: 'items[0].quantity',
      });
    });
  });
});
