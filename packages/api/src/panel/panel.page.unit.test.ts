import { describe, expect, it } from 'vitest';
import { panelCatalog } from './panel.catalog';
import { renderPanelPage } from './panel.page';

const catalog = panelCatalog();
const byPath = new Map(catalog.map((procedure) => [procedure.path, procedure]));

describe('panel', () => {
  describe('catalog', () => {
    it('holds every procedure of the router, the subscription included', () => {
      expect(catalog.length).toBe(22);
      expect(byPath.get('order.onStatusChange')).toMatchObject({ type: 'subscription', rest: null });
      expect(byPath.get('menu.quote')).toMatchObject({ type: 'query', rest: { method: 'POST', path: '/api/v1/menu/quote' } });
    });

    it('shows the real input schema of each procedure, nested arrays included', () => {
      const place = byPath.get('order.place')?.inputSchema as { properties: { items: { items: { required: string[] } } } };
      expect(place.properties.items.items.required).toEqual(['kind', 'id', 'quantity']);
      const list = byPath.get('menu.bar.list')?.inputSchema as { properties: { category: { enum: string[] } } };
      expect(list.properties.category.enum).toContain('Mocktails');
    });

    it('says who may call each procedure', () => {
      expect(byPath.get('menu.food.create')?.roles).toEqual(['admin']);
      expect(byPath.get('order.accept')?.roles).toEqual(['vendor']);
      expect(catalog.every((procedure) => procedure.roles.length > 0)).toBe(true);
    });

    it('has an example input for every procedure that takes one', () => {
      for (const procedure of catalog) expect(procedure.example, procedure.path).not.toBeNull();
    });
  });

  describe('page', () => {
    const html = renderPanelPage(catalog, { trpcUrl: '/trpc' });

    it('lists every procedure with a call button, and Follow for the subscription', () => {
      for (const procedure of catalog) expect(html).toContain(`data-path="${procedure.path}"`);
      expect(html.match(/class="call"/g)).toHaveLength(catalog.length);
      expect(html).toMatch(/data-path="order.onStatusChange"[\s\S]*?>Follow</);
    });

    it('needs nothing from another host', () => {
      expect(html).not.toMatch(/(?:src|href)="https?:/);
    });

    it('escapes what it shows', () => {
      const page = renderPanelPage([{ ...catalog[0]!, summary: '<img src=x onerror=alert(1)>' }], { trpcUrl: '/trpc' });
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;img src=x');
    });
  });
});
