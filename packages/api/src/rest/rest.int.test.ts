import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import type { RestErrorBody } from './rest-error';

let api: TestApi;
let customer: string;
let otherCustomer: string;
let vendor: string;
let admin: string;

beforeAll(async () => {
  api = await createTestApi();
  [customer, otherCustomer, vendor, admin] = await Promise.all([
    api.tokens.customer('alice'),
    api.tokens.customer('bob'),
    api.tokens.vendor(),
    api.tokens.admin(),
  ]);
});
afterAll(async () => {
  await api?.close();
});

function rest(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return api.request(`/api/v1${path}`, { method, headers, body });
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(text).not.toMatch(/"stack"|\n\s+at /);
  return JSON.parse(text) as T;
}

const placeOrder = async () =>
  json<{ orderId: string; version: number }>(await rest('POST', '/orders', { token: customer, body: { items: [{ kind: 'food', id: 1, quantity: 2 }] } }), 201);

describe('REST /api/v1', () => {
  describe('menu', () => {
    it('lists items, turning query text into the filter types', async () => {
      const beers = await json<{ category: string; available: boolean }[]>(await rest('GET', '/menu/bar?category=Beer&available=true'), 200);
      expect(beers.length).toBeGreaterThan(0);
      expect(beers.every((item) => item.category === 'Beer' && item.available)).toBe(true);
      // `available=false` means false: none of the demo beers is unavailable.
      expect(await json<unknown[]>(await rest('GET', '/menu/bar?category=Beer&available=false'), 200)).toEqual([]);
    });

    it('gets one item by the id in the path, and answers 404 for a missing one', async () => {
      expect(await json(await rest('GET', '/menu/food/1'), 200)).toMatchObject({ id: 1, price: expect.stringMatching(/^\d+\.\d{2}$/) });
      const missing = await json<RestErrorBody>(await rest('GET', '/menu/food/99999'), 404);
      expect(missing).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('99999'), data: { httpStatus: 404, path: 'menu.food.get' } });
    });

    it('answers 400 naming the field for bad input, never 500', async () => {
      const badId = await json<RestErrorBody>(await rest('GET', '/menu/food/abc'), 400);
      expect(badId.issues?.[0]?.path).toBe('id');
      expect(badId.message).toMatch(/^id: /);
      const badCategory = await json<RestErrorBody>(await rest('GET', '/menu/food?category=Pizza'), 400);
      expect(badCategory.message).toMatch(/^category: /);
      const unknownField = await json<RestErrorBody>(await rest('GET', '/menu/food?colour=red'), 400);
      expect(unknownField.issues).toEqual([{ path: 'colour', message: 'unknown field' }]);
    });

    it('prices a quote with a POST body', async () => {
      const quote = await json<{ total: string }>(await rest('POST', '/menu/quote', { body: { items: [{ kind: 'food', id: 1, quantity: 2 }] } }), 200);
      const item = await json<{ price: string }>(await rest('GET', '/menu/food/1'), 200);
      expect(Number(quote.total)).toBeCloseTo(Number(item.price) * 2, 2);
    });

    it("lets only an admin write, and creates, updates and deletes in the procedures' shapes", async () => {
      const newItem = { items: [{ name: 'REST Soup', price: '4.50', category: 'Appetizers' }] };
      expect((await json<RestErrorBody>(await rest('POST', '/menu/food', { body: newItem }), 401)).code).toBe('UNAUTHORIZED');
      expect((await json<RestErrorBody>(await rest('POST', '/menu/food', { token: customer, body: newItem }), 403)).code).toBe('FORBIDDEN');
      const [created] = await json<{ id: number; price: string }[]>(await rest('POST', '/menu/food', { token: admin, body: newItem }), 200);
      expect(created).toMatchObject({ name: 'REST Soup', price: '4.50', available: true });
      const [updated] = await json<{ price: string }[]>(
        await rest('PATCH', '/menu/food', { token: admin, body: { items: [{ id: created!.id, price: '4.75' }] } }),
        200,
      );
      expect(updated?.price).toBe('4.75');
      expect(await json(await rest('DELETE', `/menu/food/${created!.id}`, { token: admin }), 200)).toEqual({ id: created!.id });
      expect((await rest('GET', `/menu/food/${created!.id}`)).status).toBe(404);
    });

    it('applies one patch to every item', async () => {
      const result = await json<{ updated: number }>(await rest('PATCH', '/menu/bar/all', { token: admin, body: { patch: { available: true } } }), 200);
      expect(result.updated).toBeGreaterThan(0);
    });
  });

  describe('orders', () => {
    it('places an order and reads it, its list and its history', async () => {
      const placed = await placeOrder();
      const order = await json<{ orderId: string; status: string }>(await rest('GET', `/orders/${placed.orderId}`, { token: customer }), 200);
      expect(order).toMatchObject({ orderId: placed.orderId, status: 'pending' });
      const history = await json<{ type: string }[]>(await rest('GET', `/orders/${placed.orderId}/history`, { token: customer }), 200);
      expect(history.map((entry) => entry.type)).toEqual(['OrderPlaced']);
      const page = await json<{ items: unknown[]; nextCursor: string | null }>(await rest('GET', '/orders?limit=5', { token: customer }), 200);
      expect(page).toHaveProperty('nextCursor');
    });

    it("answers 404 for another customer's order, as tRPC does", async () => {
      const { orderId } = await placeOrder();
      expect((await json<RestErrorBody>(await rest('GET', `/orders/${orderId}`, { token: otherCustomer }), 404)).code).toBe('NOT_FOUND');
      expect((await json<RestErrorBody>(await rest('POST', `/orders/${orderId}/cancel`, { token: otherCustomer }), 404)).code).toBe('NOT_FOUND');
    });

    it('cancels without a body, then answers 409 with the current version and status', async () => {
      const { orderId } = await placeOrder();
      expect(await json(await rest('POST', `/orders/${orderId}/cancel`, { token: customer }), 200)).toMatchObject({ status: 'cancelled', version: 2 });
      const conflict = await json<RestErrorBody>(await rest('POST', `/orders/${orderId}/cancel`, { token: customer, body: { expectedVersion: 1 } }), 409);
      expect(conflict).toMatchObject({ code: 'CONFLICT', data: { currentVersion: 2, currentStatus: 'cancelled' } });
    });

    it('takes the vendor from pending through accepted to delivered, and refuses to reject a delivered order', async () => {
      const { orderId } = await placeOrder();
      expect(await json(await rest('POST', `/orders/${orderId}/accept`, { token: vendor, body: { expectedVersion: 1 } }), 200)).toMatchObject({
        status: 'accepted',
      });
      expect(await json(await rest('POST', `/orders/${orderId}/deliver`, { token: vendor }), 200)).toMatchObject({ status: 'delivered' });
      const refused = await json<RestErrorBody>(await rest('POST', `/orders/${orderId}/reject`, { token: vendor, body: { reason: 'too late' } }), 409);
      expect(refused.data).toMatchObject({ currentStatus: 'delivered', currentVersion: 3 });
    });

    it('names the field of bad order input', async () => {
      const badQuantity = await json<RestErrorBody>(
        await rest('POST', '/orders', { token: customer, body: { items: [{ kind: 'food', id: 1, quantity: 101 }] } }),
        400,
      );
      expect(badQuantity.message).toBe('items[0].quantity: must be at most 100');
      const badId = await json<RestErrorBody>(await rest('GET', '/orders/not-a-uuid', { token: customer }), 400);
      expect(badId.issues?.[0]?.path).toBe('orderId');
    });
  });

  describe('the HTTP edges', () => {
    it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
      expect((await json<RestErrorBody>(await rest('GET', '/nothing-here'), 404)).code).toBe('NOT_FOUND');
      const wrongMethod = await rest('PUT', '/menu/food/1', { token: admin, body: {} });
      expect(wrongMethod.headers.get('allow')).toMatch(/GET/);
      expect((await json<RestErrorBody>(wrongMethod, 405)).code).toBe('METHOD_NOT_SUPPORTED');
    });

    it('refuses a body that is not JSON, or not an object', async () => {
      expect((await json<RestErrorBody>(await rest('POST', '/menu/quote', { body: '{"items": [', headers: {} }), 400)).code).toBe('PARSE_ERROR');
      expect((await json<RestErrorBody>(await rest('POST', '/menu/quote', { body: '[1]' }), 400)).message).toMatch(/JSON object/);
      const form = await rest('POST', '/menu/quote', { body: 'items=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect((await json<RestErrorBody>(form, 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 401 for a bad token', async () => {
      expect((await json<RestErrorBody>(await rest('GET', '/orders', { token: 'not.a.jwt' }), 401)).code).toBe('UNAUTHORIZED');
    });

    it('leaves /trpc as strict as before: text is no number there', async () => {
      await rest('GET', '/menu/food/1');
      const response = await api.request(`/trpc/menu.food.get?input=${encodeURIComponent(JSON.stringify({ id: '1' }))}`);
      expect(response.status).toBe(400);
    });
  });

  it('serves the OpenAPI document with this server as its server (relative without PUBLIC_URL, never the Host header)', async () => {
    const document = await json<{ openapi: string; servers: { url: string }[]; paths: Record<string, unknown> }>(
      await api.request('http://evil.example/openapi.json', { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } }),
      200,
    );
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/' }]);
    expect(Object.keys(document.paths)).toContain('/api/v1/orders/{orderId}/cancel');
  });

  it('serves the docs pages (Scalar at /docs, Swagger UI at /docs/swagger) and every file they load from this server', async () => {
    for (const [path, files] of [
      ['/docs', 2],
      ['/docs/swagger', 3],
    ] as const) {
      const page = await api.request(path);
      const html = await page.text();
      expect(page.status, path).toBe(200);
      const assets = [...html.matchAll(/(?:href|src)="(\/docs\/assets\/[^"]+)"/g)].map((match) => match[1]!);
      expect(assets, path).toHaveLength(files);
      for (const asset of assets) {
        const response = await api.request(asset);
        expect(response.status, asset).toBe(200);
        // The libraries are large; the start-up scripts are a line that names the document.
        const text = await response.text();
        if (asset.endsWith('-init.js')) expect(text, asset).toContain('"/openapi.json"');
        else expect(text.length, asset).toBeGreaterThan(10_000);
      }
    }
  });
});
