import type { MenuItem, OrderItemInput } from '@delivery/sdk';

type Kind = OrderItemInput['kind'];

/** One line of the basket: the item as the menu showed it, and how many. */
export interface BasketLine {
  kind: Kind;
  item: Pick<MenuItem, 'id' | 'name' | 'price'>;
  quantity: number;
}

/** The API takes at most 100 of one item on a line. */
const MAX_QUANTITY = 100;

/**
 * The basket: pure data, changed by returning a new basket. Prices shown here are the menu's; the order's
 * total always comes from the server (`menu.quote`, then `order.place`).
 * @example addToBasket([], 'food', { id: 1, name: 'Bruschetta', price: '8.50' });
 */
export function addToBasket(basket: readonly BasketLine[], kind: Kind, item: BasketLine['item']): BasketLine[] {
  const index = basket.findIndex((line) => line.kind === kind && line.item.id === item.id);
  if (index < 0) return [...basket, { kind, item, quantity: 1 }];
  return basket.map((line, at) => (at === index ? { ...line, quantity: Math.min(MAX_QUANTITY, line.quantity + 1) } : line));
}

/** Takes one away; the line goes when none is left. */
export function removeFromBasket(basket: readonly BasketLine[], kind: Kind, id: number): BasketLine[] {
  return basket.flatMap((line) => {
    if (line.kind !== kind || line.item.id !== id) return [line];
    return line.quantity > 1 ? [{ ...line, quantity: line.quantity - 1 }] : [];
  });
}

/** What `order.place` and `menu.quote` take. */
export function basketItems(basket: readonly BasketLine[]): OrderItemInput[] {
  return basket.map((line) => ({ kind: line.kind, id: line.item.id, quantity: line.quantity }));
}
