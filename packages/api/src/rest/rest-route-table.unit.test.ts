import { describe, expect, it } from 'vitest';
import { menuSchemas } from '../menu/menu.schemas';
import { buildRouteTable, matchRoute, valueFromUrl } from './rest-route-table';

const table = buildRouteTable();

function found(method: string, path: string) {
  const match = matchRoute(table, method, path);
  if (match.kind !== 'found') throw new Error(`expected a route for ${method} ${path}, got ${match.kind}`);
  return match;
}

describe('REST route table', () => {
  it('finds the procedure of a route and its path parameters', () => {
    const match = found('POST', '/api/v1/orders/0b6f7c1e-1a2b-4c3d-8e9f-001122334455/cancel');
    expect(match.route.procedure.path).toBe('order.cancel');
    expect(match.params).toEqual({ orderId: '0b6f7c1e-1a2b-4c3d-8e9f-001122334455' });
  });

  it('prefers a fixed segment over a parameter', () => {
    expect(found('PATCH', '/api/v1/menu/bar/all').route.procedure.path).toBe('menu.bar.updateAll');
    expect(found('GET', '/api/v1/menu/bar/7').route.procedure.path).toBe('menu.bar.get');
  });

  it('tells a wrong method apart from an unknown path', () => {
    expect(matchRoute(table, 'PUT', '/api/v1/menu/food/1')).toEqual({ kind: 'wrong-method', allowed: expect.arrayContaining(['GET', 'DELETE']) });
    expect(matchRoute(table, 'GET', '/api/v1/nothing')).toEqual({ kind: 'none' });
    expect(matchRoute(table, 'GET', '/api/v1/menu/food/%E0%A4%A')).toEqual({ kind: 'none' });
  });

  it('has no route for the subscription', () => {
    expect(table.map((route) => route.procedure.path)).not.toContain('order.onStatusChange');
  });

  describe('text from the URL', () => {
    const list = found('GET', '/api/v1/menu/food').route;
    const get = found('GET', '/api/v1/menu/food/1').route;
    const orders = found('GET', '/api/v1/orders').route;

    it('becomes the number or boolean the schema declares', () => {
      expect(valueFromUrl(get, 'id', ['12'])).toBe(12);
      expect(valueFromUrl(list, 'available', ['false'])).toBe(false);
      expect(valueFromUrl(list, 'available', ['true'])).toBe(true);
      expect(valueFromUrl(orders, 'limit', ['20'])).toBe(20);
    });

    it('stays text where the schema wants text, or where it is no valid value', () => {
      expect(valueFromUrl(list, 'category', ['Entrees'])).toBe('Entrees');
      expect(valueFromUrl(orders, 'cursor', ['123'])).toBe('123');
      expect(valueFromUrl(list, 'available', ['yes'])).toBe('yes');
      expect(valueFromUrl(get, 'id', ['1e3'])).toBe('1e3');
    });

    it('leaves the shared zod schemas as they were', () => {
      valueFromUrl(get, 'id', ['12']);
      expect(menuSchemas.food.get.safeParse({ id: '12' }).success).toBe(false);
      expect(menuSchemas.food.list.safeParse({ available: 'false' }).success).toBe(false);
    });
  });
});
