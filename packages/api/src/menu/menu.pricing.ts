import { ValidationError, checkLineCount, checkQuantity, priceLines, type MenuKind, type Money, type OrderLine } from '@delivery/events';
import type { Kysely } from 'kysely';
import { currentMenuPrices } from './menu-price-batches';
import type { MenuDatabase } from './menu.table';

export interface PricedItem {
  kind: MenuKind;
  id: number;
  quantity: number;
}

/**
 * Prices order lines from the menu as it is now (never from the client), exactly, in integer cents.
 * `menu.quote` answers with it and `order.place` records its result.
 * @throws ValidationError naming the field (`items[2].quantity`, `items[0].id`) of an unknown or unavailable
 * item, or of an order past its limits (`priceLines`).
 * @example const { lines, total } = await priceOrderLines(db, [{ kind: 'food', id: 3, quantity: 2 }]);
 */
export async function priceOrderLines(db: Kysely<MenuDatabase>, items: readonly PricedItem[]): Promise<{ lines: OrderLine[]; total: Money }> {
  // The limits that need no menu come first, so input that can never be an order costs no query.
  checkLineCount(items.length);
  items.forEach((item, index) => checkQuantity(item.quantity, index));

  const idsOf = (kind: MenuKind) => items.filter((item) => item.kind === kind).map((item) => item.id);
  const menus = await currentMenuPrices(db, { food: idsOf('food'), bar: idsOf('bar') });

  return priceLines(
    items.map((item, index) => {
      const menuItem = menus[item.kind].get(item.id);
      if (!menuItem) throw new ValidationError(`items[${index}].id`, `no ${item.kind} item with id ${item.id}`);
      if (!menuItem.available) throw new ValidationError(`items[${index}].id`, `${item.kind} item ${item.id} (${menuItem.name}) is not available`);
      return { kind: item.kind, itemId: item.id, name: menuItem.name, unitPrice: menuItem.price, quantity: item.quantity };
    }),
  );
}
