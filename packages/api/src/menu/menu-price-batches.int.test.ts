import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDb } from '@delivery/events';
import { createTestPostgresDatabase, type TestDatabase } from '../testing';
import { migrateMenu } from './migrations/migrate-menu';
import { createMenuItems, findMenuPrices, updateMenuItems } from './menu.repository';
import { type MenuItemIds, menuPriceBatches } from './menu-price-batches';
import type { MenuDatabase } from './menu.table';

let database: TestDatabase;
let db: Kysely<MenuDatabase>;
let soup: { id: number };
let beer: { id: number };

beforeAll(async () => {
  database = await createTestPostgresDatabase();
  db = createPostgresDb<MenuDatabase>(database.url);
  await migrateMenu(db);
  const [food] = await createMenuItems(db, 'food', [{ name: 'Soup', description: '', price: '4.00', available: true, category: 'Appetizers' }]);
  const [bar] = await createMenuItems(db, 'bar', [
    { name: 'Lager', description: '', price: '5.00', available: true, category: 'Beer', alcoholContent: 'Medium' },
  ]);
  if (!food || !bar) throw new Error('the menu items were not created');
  soup = food;
  beer = bar;
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

/** A gate the test opens: a statement's answer can be held back until then. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('menu price batches', () => {
  it('prices the askings that wait together in one statement, each finding its own items', async () => {
    const statements: MenuItemIds[] = [];
    const held = gate();
    const prices = menuPriceBatches(async (ids) => {
      statements.push(ids);
      const found = await findMenuPrices(db, ids);
      await held.opened;
      return found;
    });
    const first = prices({ food: [soup.id], bar: [] });
    const waiting = [prices({ food: [], bar: [beer.id] }), prices({ food: [soup.id], bar: [beer.id] }), prices({ food: [999_999], bar: [] })];
    held.open();
    const [alone, bar, both, unknown] = await Promise.all([first, ...waiting]);
    expect(statements).toEqual([
      { food: [soup.id], bar: [] },
      { food: [soup.id, 999_999], bar: [beer.id, beer.id] },
    ]);
    expect(alone?.food.get(soup.id)?.price).toBe('4.00');
    expect(bar?.bar.get(beer.id)?.price).toBe('5.00');
    expect(both?.food.get(soup.id)?.name).toBe('Soup');
    expect(both?.bar.get(beer.id)?.name).toBe('Lager');
    expect(unknown?.food.has(999_999)).toBe(false);
  });

  it('answers an asking made after a price change with the new price, even while a statement from before it runs', async () => {
    const held = gate();
    let statements = 0;
    const prices = menuPriceBatches(async (ids) => {
      statements += 1;
      const found = await findMenuPrices(db, ids);
      if (statements === 1) await held.opened;
      return found;
    });
    const before = prices({ food: [soup.id], bar: [] });
    // The first statement has answered (held back here): the change commits after it, the second asking after the change.
    await expect.poll(() => statements).toBe(1);
    await updateMenuItems(db, 'food', [{ id: soup.id, price: '4.50', available: false }]);
    const after = prices({ food: [soup.id], bar: [] });
    held.open();
    expect((await before).food.get(soup.id)).toMatchObject({ price: '4.00', available: true });
    expect((await after).food.get(soup.id)).toMatchObject({ price: '4.50', available: false });
    expect(statements).toBe(2);
  });

  it('fails every asking of a failed statement and prices the next ones afresh', async () => {
    const held = gate();
    let statements = 0;
    const prices = menuPriceBatches(async (ids) => {
      statements += 1;
      if (statements === 1) await held.opened;
      if (statements === 2) throw new Error('menu database down');
      return findMenuPrices(db, ids);
    });
    const first = prices({ food: [soup.id], bar: [] });
    const failed = [prices({ food: [soup.id], bar: [] }), prices({ food: [], bar: [beer.id] })].map((asking) => asking.catch((error: Error) => error.message));
    held.open();
    await first;
    expect(await Promise.all(failed)).toEqual(['menu database down', 'menu database down']);
    expect((await prices({ food: [], bar: [beer.id] })).bar.get(beer.id)?.price).toBe('5.00');
    expect(statements).toBe(3);
  });
});
