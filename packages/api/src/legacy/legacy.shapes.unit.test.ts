import { describe, expect, it } from 'vitest';
import { legacyMenuItem, legacyOrder, menuFieldsFromLegacy, menuPatchFromLegacy } from './legacy.shapes';

describe('legacy shapes', () => {
  describe('a legacy menu item coming in', () => {
    it('turns prices written as numbers or short decimals into two-place strings, exactly', () => {
      expect(menuFieldsFromLegacy('food', { price: 8.5 })).toEqual({ price: '8.50' });
      expect(menuFieldsFromLegacy('food', { price: 0.1 + 0.2 })).toEqual({ price: '0.30' });
      expect(menuFieldsFromLegacy('food', { price: '8.5' })).toEqual({ price: '8.50' });
      expect(menuFieldsFromLegacy('food', { price: '12' })).toEqual({ price: '12.00' });
    });

    it('passes prices it cannot read on unchanged, for the procedure to refuse by name', () => {
      expect(menuFieldsFromLegacy('food', { price: 8.555 })).toEqual({ price: '8.555' });
      expect(menuFieldsFromLegacy('food', { price: -1 })).toEqual({ price: -1 });
      expect(menuFieldsFromLegacy('food', { price: 'cheap' })).toEqual({ price: 'cheap' });
    });

    it('renames alcohol_content for bar items and drops fields the original did not have', () => {
      expect(menuFieldsFromLegacy('bar', { id: 4, name: 'Stout', alcohol_content: 'Strong', colour: 'black' })).toEqual({
        name: 'Stout',
        alcoholContent: 'Strong',
      });
      expect(menuFieldsFromLegacy('food', { name: 'Soup', alcohol_content: 'None' })).toEqual({ name: 'Soup' });
      expect(menuPatchFromLegacy('bar', { id: 4, alcohol_content: 'None' })).toEqual({ id: 4, alcoholContent: 'None' });
    });
  });

  describe('going out', () => {
    it('writes menu items in snake_case', () => {
      const bar = {
        id: 1,
        name: 'Martini',
        description: '',
        price: '8.50',
        available: true,
        category: 'Cocktails' as const,
        alcoholContent: 'Medium' as const,
      };
      expect(legacyMenuItem(bar)).toEqual({
        id: 1,
        name: 'Martini',
        description: '',
        price: '8.50',
        available: true,
        category: 'Cocktails',
        alcohol_content: 'Medium',
      });
    });

    it('writes an order with its UUID as id and its lines as named items', () => {
      const order = {
        orderId: '7d3f0a52-1c2e-4b8a-9f10-3e5d6c7b8a90',
        status: 'pending' as const,
        email: 'a@example.com',
        lines: [{ kind: 'food' as const, itemId: 1, name: 'Bruschetta', unitPrice: '8.99', quantity: 2, lineTotal: '17.98' }],
        total: '17.98',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        version: 1,
      };
      expect(legacyOrder(order)).toEqual({
        id: order.orderId,
        items: [{ name: 'Bruschetta', quantity: 2, price: '8.99' }],
        created_at: order.createdAt,
        updated_at: order.updatedAt,
        total: '17.98',
        status: 'pending',
        email: 'a@example.com',
      });
    });
  });
});
