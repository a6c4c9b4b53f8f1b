import type { MenuKind } from '@delivery/events';
import type { Kysely } from 'kysely';
import { findMenuPrices, type MenuPrice } from './menu.repository';
import type { MenuDatabase } from './menu.table';

export type MenuItemIds = Record<MenuKind, readonly number[]>;
export type MenuPrices = Record<MenuKind, ReadonlyMap<number, MenuPrice>>;
export type FindMenuPrices = (ids: MenuItemIds) => Promise<MenuPrices>;

interface Asking {
  ids: MenuItemIds;
  resolve(prices: MenuPrices): void;
  reject(reason: unknown): void;
}

/**
 * `find`, with the askings that arrive while its statement runs sent together in the next one (the ids of
 * all of them), one statement at a time: under load, one statement prices many orders instead of one
 * each. Nothing is remembered between statements, so nothing can go stale: every asking is answered by a
 * statement sent after it was made, which sees every menu change committed before it, as a statement
 * of its own would. An asking never joins a statement already running.
 * @example const prices = menuPriceBatches((ids) => findMenuPrices(db, ids)); await prices({ food: [1], bar: [] });
 */
export function menuPriceBatches(find: FindMenuPrices): FindMenuPrices {
  let waiting: Asking[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        const ids = { food: batch.flatMap((asking) => asking.ids.food), bar: batch.flatMap((asking) => asking.ids.bar) };
        try {
          const prices = await find(ids);
          for (const asking of batch) asking.resolve(prices);
        } catch (error) {
          for (const asking of batch) asking.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }

  return (ids) =>
    new Promise<MenuPrices>((resolve, reject) => {
      waiting.push({ ids, resolve, reject });
      if (!running) void drain();
    });
}

/** One batching per menu database (per pool), so every request of a process shares it. */
const batchesByDatabase = new WeakMap<Kysely<MenuDatabase>, FindMenuPrices>();

/**
 * The prices of these items as the menu is now, through the database's shared batching (`menuPriceBatches`).
 * @example const prices = await currentMenuPrices(db, { food: [1, 3], bar: [2] }); prices.food.get(3)?.price;
 */
export function currentMenuPrices(db: Kysely<MenuDatabase>, ids: MenuItemIds): Promise<MenuPrices> {
  let batches = batchesByDatabase.get(db);
  if (!batches) {
    batches = menuPriceBatches((all) => findMenuPrices(db, all));
    batchesByDatabase.set(db, batches);
  }
  return batches(ids);
}
