import { describe, expect, it } from 'vitest';
import { addToBasket, basketItems, removeFromBasket } from './basket';
import { routeOf, trackingPath } from './page-route';

const burger = { id: 1, name: 'Burger', price: '9.00' };
const beer = { id: 1, name: 'Lager', price: '5.00' };

describe('the basket', () => {
  it('counts the same item on one line and keeps food and bar items with the same id apart', () => {
    const basket = addToBasket(addToBasket(addToBasket([], 'food', burger), 'bar', beer), 'food', burger);
    expect(basketItems(basket)).toEqual([
      { kind: 'food', id: 1, quantity: 2 },
      { kind: 'bar', id: 1, quantity: 1 },
    ]);
  });

  it('takes one away at a time and drops an empty line', () => {
    const two = addToBasket(addToBasket([], 'food', burger), 'food', burger);
    expect(basketItems(removeFromBasket(two, 'food', 1))).toEqual([{ kind: 'food', id: 1, quantity: 1 }]);
    expect(removeFromBasket(removeFromBasket(two, 'food', 1), 'food', 1)).toEqual([]);
  });

  it('stops at the 100 a line may hold', () => {
    let basket = addToBasket([], 'food', burger);
    for (let i = 0; i < 120; i += 1) basket = addToBasket(basket, 'food', burger);
    expect(basket[0]?.quantity).toBe(100);
  });
});

describe('the page route', () => {
  const orderId = '0d9b2c1e-2f4a-4a8e-9a7c-1b2c3d4e5f60';

  it('opens the tracking view at the path the confirmation email links to', () => {
    expect(routeOf(trackingPath(orderId))).toEqual({ view: 'tracking', orderId });
    expect(routeOf(`/orders/${orderId.toUpperCase()}/`)).toEqual({ view: 'tracking', orderId });
  });

  it('shows the shop anywhere else', () => {
    expect(routeOf('/app/')).toEqual({ view: 'shop' });
    expect(routeOf('/orders/not-an-id')).toEqual({ view: 'shop' });
  });
});
