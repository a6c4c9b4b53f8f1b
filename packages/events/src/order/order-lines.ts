import { ValidationError } from '../shared/errors';
import { MAX_MONEY_CENTS, centsToMoney, moneyToCents, type Money } from '../shared/money';
import type { MenuKind, OrderLine } from './order.events';
import { ORDER_LIMITS } from './order.limits';

/** One line as the menu prices it: the item, its price now, and how many the customer asks for. */
export interface LineToPrice {
  kind: MenuKind;
  itemId: number;
  name: string;
  unitPrice: Money;
  quantity: number;
}

/**
 * Prices an order's lines exactly (integer cents) and holds them to the order's limits, naming each
 * problem by the field the client sent (`items[2].quantity`), since line i is the client's item i:
 * 1 to `maxLines` lines, each item once, quantities 1 to `maxQuantity`, every line total and the order
 * total within the money format. `menu.quote`, `order.place` and the decider all price through here,
 * so whatever is quoted can be placed and whatever is placed can be read back.
 * @throws ValidationError naming the field.
 * @example const { lines, total } = priceLines([{ kind: 'food', itemId: 3, name: 'Soup', unitPrice: '4.50', quantity: 2 }]);
 */
export function priceLines(items: readonly LineToPrice[]): { lines: OrderLine[]; total: Money } {
  checkLineCount(items.length);
  const firstIndexOf = new Map<string, number>();
  let totalCents = 0;
  const lines = items.map((item, index): OrderLine => {
    checkQuantity(item.quantity, index);
    const key = `${item.kind}:${item.itemId}`;
    const first = firstIndexOf.get(key);
    if (first !== undefined) {
      throw new ValidationError(`items[${index}].id`, `the same ${item.kind} item as items[${first}]: order it once, with the whole quantity`);
    }
    firstIndexOf.set(key, index);
    const lineCents = moneyToCents(item.unitPrice) * item.quantity;
    if (lineCents > MAX_MONEY_CENTS) {
      throw new ValidationError(`items[${index}].quantity`, `the line total would pass ${ORDER_LIMITS.maxAmount}, the largest amount an order holds`);
    }
    totalCents += lineCents;
    return { ...item, lineTotal: centsToMoney(lineCents) };
  });
  if (totalCents > MAX_MONEY_CENTS) {
    throw new ValidationError('items', `the order total would pass ${ORDER_LIMITS.maxAmount}, the largest amount an order holds`);
  }
  return { lines, total: centsToMoney(totalCents) };
}

/** @throws ValidationError (`items`) for no lines or more than `maxLines`. */
export function checkLineCount(count: number): void {
  if (count < 1) throw new ValidationError('items', 'an order needs at least one item');
  if (count > ORDER_LIMITS.maxLines) throw new ValidationError('items', `at most ${ORDER_LIMITS.maxLines} lines`);
}

/** @throws ValidationError (`items[i].quantity`) for a quantity that is not a whole number from 1 to `maxQuantity`. */
export function checkQuantity(quantity: number, index: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > ORDER_LIMITS.maxQuantity) {
    throw new ValidationError(`items[${index}].quantity`, `must be a whole number from 1 to ${ORDER_LIMITS.maxQuantity}`);
  }
}
