import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDb } from '@delivery/events';
import { createTestPostgresDatabase, type TestDatabase } from '../testing';
import { migrateMenu } from './migrations/migrate-menu';
import { createMenuItems, findMenuPrices, getMenuItem, listMenuItems, updateAllMenuItems, updateMenuItems } from './menu.repository';
import { seedMenu } from './seed/menu-seed';
import type { MenuDatabase } from './menu.table';

let database: TestDatabase;
let db: Kysely<MenuDatabase>;

beforeAll(async () => {
  database = await createTestPostgresDatabase();
  db = createPostgresDb<MenuDatabase>(database.url, { poolSize: 20 });
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

describe('menu migrations', () => {
  it('create the tables once and change nothing when run again', async () => {
    expect((await migrateMenu(db)).applied).toEqual(['0001_menu_tables']);
    expect((await migrateMenu(db)).applied).toEqual([]);
  });

  it('keep a negative price or an unknown category out even if a query skips the schemas', async () => {
    await expect(db.insertInto('food_items').values({ name: 'x', price: '-1.00', category: 'Sides' }).execute()).rejects.toThrow(/check constraint/);
    await expect(
      db
        .insertInto('food_items')
        .values({ name: 'x', price: '1.00', category: 'Beer' as never })
        .execute(),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('menu seed', () => {
  it('fills the empty tables from two processes at once exactly once, and adds nothing after', async () => {
    const other = createPostgresDb<MenuDatabase>(database.url);
    try {
      const results = await Promise.all([seedMenu(db), seedMenu(other)]);
      expect(results.map((result) => result.food).sort()).toEqual([0, 39]);
      expect(results.map((result) => result.bar).sort()).toEqual([0, 40]);
    } finally {
      await other.destroy();
    }
    await expect(seedMenu(db)).resolves.toEqual({ food: 0, bar: 0 });
    expect(await listMenuItems(db, 'food')).toHaveLength(39);
    expect(await listMenuItems(db, 'bar')).toHaveLength(40);
  });

  it('keeps the original prices exactly', async () => {
    const food = await listMenuItems(db, 'food');
    expect(food.find((item) => item.name === 'Bruschetta')?.price).toBe('8.99');
    const bar = await listMenuItems(db, 'bar');
    expect(bar.find((item) => item.name === 'Martini')).toMatchObject({ price: '8.50', alcoholContent: 'Medium' });
  });
});

describe('menu prices', () => {
  it('reads both kinds in one call, each id under its own kind, leaving out ids that do not exist', async () => {
    const food = await listMenuItems(db, 'food');
    const bar = await listMenuItems(db, 'bar');
    const [bruschetta, martini] = [food.find((item) => item.name === 'Bruschetta')!, bar.find((item) => item.name === 'Martini')!];
    // The same id in both tables names two different items.
    const sharedId = food.find((item) => item.id !== bruschetta.id && item.id !== martini.id && bar.some((other) => other.id === item.id))!.id;
    const prices = await findMenuPrices(db, { food: [bruschetta.id, sharedId, bruschetta.id, 999_999], bar: [martini.id, sharedId] });
    expect(prices.food.get(bruschetta.id)).toEqual({ name: 'Bruschetta', price: '8.99', available: bruschetta.available });
    expect(prices.bar.get(martini.id)).toEqual({ name: 'Martini', price: '8.50', available: martini.available });
    expect(prices.food.get(sharedId)?.name).toBe(food.find((item) => item.id === sharedId)!.name);
    expect(prices.bar.get(sharedId)?.name).toBe(bar.find((item) => item.id === sharedId)!.name);
    expect(prices.food.has(999_999)).toBe(false);
    expect([prices.food.size, prices.bar.size]).toEqual([2, 2]);
  });

  it('reads one kind alone, and nothing for no ids', async () => {
    const [martini] = await listMenuItems(db, 'bar', { category: 'Cocktails' });
    const prices = await findMenuPrices(db, { food: [], bar: [martini!.id] });
    expect([prices.food.size, prices.bar.size]).toEqual([0, 1]);
    const none = await findMenuPrices(db, { food: [], bar: [] });
    expect([none.food.size, none.bar.size]).toEqual([0, 0]);
  });
});

describe('concurrent menu updates', () => {
  it('apply every update of one item whole: the item ends as one of them, never a mix', async () => {
    const [item] = await createMenuItems(db, 'food', [{ name: 'Contended', description: '', price: '1.00', available: true, category: 'Sides' }]);
    const updates = Array.from({ length: 20 }, (_, index) => ({ id: item!.id, name: `Version ${index}`, price: `${index + 1}.00` }));
    const results = await Promise.allSettled(updates.map((update) => updateMenuItems(db, 'food', [update])));
    // Every update succeeds (each waits for the row lock); none may fail with anything but a conflict.
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const final = await getMenuItem(db, 'food', item!.id);
    const winner = updates.find((update) => update.name === final.name);
    expect(winner).toBeDefined();
    expect(final.price).toBe(winner!.price);
  });

  it('never deadlock when bulk updates touch the same items in opposite orders, and each applies whole', async () => {
    const [a, b, c] = await createMenuItems(db, 'food', [
      { name: 'A', description: '', price: '1.00', available: true, category: 'Sides' },
      { name: 'B', description: '', price: '1.00', available: true, category: 'Sides' },
      { name: 'C', description: '', price: '1.00', available: true, category: 'Sides' },
    ]);
    const calls = Array.from({ length: 12 }, (_, index) => {
      const ids = index % 2 === 0 ? [a!.id, b!.id, c!.id] : [c!.id, b!.id, a!.id];
      return ids.map((id) => ({ id, description: `call ${index}` }));
    });
    const results = await Promise.allSettled([
      ...calls.map((patches) => updateMenuItems(db, 'food', patches)),
      updateAllMenuItems(db, 'food', { available: true }),
    ]);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const descriptions = await Promise.all([a, b, c].map(async (item) => (await getMenuItem(db, 'food', item!.id)).description));
    // The calls serialise on the first locked row, so the last one to run wrote all three items.
    expect(new Set(descriptions).size).toBe(1);
  });
});
