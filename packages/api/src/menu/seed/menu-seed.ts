import { centsToMoney } from '@delivery/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { insertMenuItemsIfEmpty } from '../menu.repository';
import { AlcoholContent, BarCategory, FoodCategory, type BarItemInput, type FoodItemInput } from '../menu.schemas';
import type { MenuDatabase } from '../menu.table';
// Imported, not read from disk: the build inlines it, so the built API needs no file beside its code.
import menuSeedJson from './menu-seed.json';

/** The original system wrote prices as JSON numbers with at most two decimals; turned into cents exactly. */
const SeedPrice = z
  .number()
  .nonnegative()
  .transform((price, ctx) => {
    const cents = Math.round(price * 100);
    if (Math.abs(price * 100 - cents) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `price ${price} has more than two decimals` });
      return z.NEVER;
    }
    return centsToMoney(cents);
  });

const seedFields = { name: z.string().min(1).max(200), description: z.string().max(2000), price: SeedPrice, available: z.boolean() };

const MenuSeed = z.object({
  food: z.array(z.object({ ...seedFields, category: FoodCategory })),
  bar: z.array(z.object({ ...seedFields, category: BarCategory, alcohol_content: AlcoholContent })),
});

export async function loadMenuSeed(): Promise<{ food: FoodItemInput[]; bar: BarItemInput[] }> {
  const seed = MenuSeed.parse(menuSeedJson);
  return {
    food: seed.food,
    bar: seed.bar.map(({ alcohol_content, ...item }) => ({ ...item, alcoholContent: alcohol_content })),
  };
}

/**
 * Loads the original system's sample menu into each table that is empty; tables holding items are left
 * alone, so running it again (or from two processes at once) changes nothing.
 * @example const { food, bar } = await seedMenu(db); // numbers of items inserted
 */
export async function seedMenu(db: Kysely<MenuDatabase>): Promise<{ food: number; bar: number }> {
  const seed = await loadMenuSeed();
  const food = await insertMenuItemsIfEmpty(db, 'food', seed.food);
  const bar = await insertMenuItemsIfEmpty(db, 'bar', seed.bar);
  return { food, bar };
}
