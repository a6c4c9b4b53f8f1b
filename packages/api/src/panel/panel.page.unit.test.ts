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

    it('needs nothing from another host, and carries no inline script or style for the CSP to allow', () => {
      expect(html).not.toMatch(/(?:src|href)="https?:/);
      expect(html).not.toMatch(/<script(?![^>]*(?:src=|type="application\/json"))/);
      expect(html).not.toMatch(/<style|style="/);
    });

    it('shows each output as a type', () => {
      expect(byPath.get('order.place')?.outputType).toBe(
        '{\n  orderId: string;\n  status: "pending" | "accepted" | "delivered" | "cancelled" | "rejected";\n  total: string;\n  version: number;\n}',
      );
      expect(byPath.get('menu.food.list')?.outputType).toMatch(/^\{[\s\S]*price: string;[\s\S]*\}\[\]$/);
      expect(byPath.get('order.onStatusChange')?.outputType).toMatch(/status:/);
    });

    it('embeds the input schemas as data that cannot end its block', () => {
      const page = renderPanelPage([{ ...catalog[0]!, inputSchema: { description: '</script><script>alert(1)</script>' } }], { trpcUrl: '/trpc' });
      expect(page).not.toContain('</script><script>alert(1)');
    });

    it('escapes what it shows', () => {
      const page = renderPanelPage([{ ...catalog[0]!, summary: '<img src=x onerror=alert(1)>' }], { trpcUrl: '/trpc' });
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;img src=x');
    });
  });
});
