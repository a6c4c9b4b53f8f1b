import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { signToken } from './auth/jwt';
import { createTestApi, type TestApi } from './testing';

let api: TestApi;
let adminToken: string;
let customerToken: string;

beforeAll(async () => {
  api = await createTestApi({ config: { MAX_BODY_BYTES: 64 * 1024 } });
  adminToken = await api.tokens.admin();
  customerToken = await api.tokens.customer('alice');
});
afterAll(async () => {
  await api?.close();
});

interface ErrorBody {
  error: { message: string; code: number; data: { code: string; httpStatus: number; issues?: { path: string; message: string }[] } };
}

const auth = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

function post(path: string, body: unknown, token?: string) {
  return api.request(`/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(token) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function get(path: string, input?: unknown, token?: string) {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return api.request(`/trpc/${path}${query}`, { headers: auth(token) });
}

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const text = await response.text();
  expect(text).not.toMatch(/"stack"|\n\s+at /);
  return (JSON.parse(text) as ErrorBody).error;
}

const item = { name: 'Chips', price: '2.50', category: 'Sides' };

describe('api over HTTP', () => {
  describe('health', () => {
    it('answers /healthz while the process is up', async () => {
      const response = await api.request('/healthz');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('answers /readyz when MySQL and PostgreSQL are reachable', async () => {
      const response = await api.request('/readyz');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { mysql: 'ok', postgres: 'ok' } });
    });

    it('answers 503 from /readyz naming the dependency that is down', async () => {
      const app = createApp(
        { ...api.deps, checks: [...api.deps.checks, { name: 'rabbitmq', check: () => Promise.reject(new Error('connection refused')) }] },
        { readinessTimeoutMs: 500 },
      );
      const response = await app.request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { mysql: 'ok', postgres: 'ok', rabbitmq: 'down' } });
    });

    it('counts a check that hangs as down', async () => {
      const app = createApp({ ...api.deps, checks: [{ name: 'rabbitmq', check: () => new Promise(() => undefined) }] }, { readinessTimeoutMs: 50 });
      const response = await app.request('/readyz');
      expect(response.status).toBe(503);
    });
  });

  describe('request ids and headers', () => {
    it('echoes the caller request id', async () => {
      const response = await api.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
      expect(response.headers.get('x-request-id')).toBe('abc-123');
    });

    it('makes one up when there is none or it is unsafe', async () => {
      const fresh = await api.request('/healthz');
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const unsafe = await api.request('/healthz', { headers: { 'x-request-id': 'bad id\u0001' } });
      expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('sends secure headers', async () => {
      const response = await api.request('/healthz');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    });
  });

  describe('tRPC', () => {
    it('answers a GET with a JSON input as plain JSON', async () => {
      const response = await get('menu.food.list', { category: 'Entrees' });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { data: { category: string; price: string }[] } };
      expect(body.result.data.length).toBeGreaterThan(0);
      expect(body.result.data.every((entry) => entry.category === 'Entrees')).toBe(true);
      expect(typeof body.result.data[0]!.price).toBe('string');
    });

    it('answers a GET without input', async () => {
      const response = await get('menu.bar.list');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { data: { alcoholContent: string }[] } };
      expect(body.result.data.length).toBeGreaterThanOrEqual(40);
      expect(body.result.data[0]!.alcoholContent).toBeDefined();
    });

    it('answers a batch of calls', async () => {
      const response = await api.request(
        `/trpc/menu.food.list,menu.bar.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { category: 'Sides' }, 1: { category: 'Beer' } }))}`,
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { data: unknown[] } }[];
      expect(body).toHaveLength(2);
    });

    it('refuses a batch larger than the limit', async () => {
      const paths = Array.from({ length: 21 }, () => 'menu.food.list').join(',');
      const response = await api.request(`/trpc/${paths}?batch=1&input={}`);
      expect(response.status).toBe(400);
    });

    it('lets an admin create items over POST', async () => {
      const response = await post('menu.food.create', { items: [item] }, adminToken);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { data: { name: string; price: string }[] } };
      expect(body.result.data[0]).toMatchObject({ name: 'Chips', price: '2.50' });
    });

    it('answers UNAUTHORIZED to a write without a token', async () => {
      const response = await post('menu.food.create', { items: [item] });
      expect(response.status).toBe(401);
      expect((await errorOf(response)).data.code).toBe('UNAUTHORIZED');
    });

    it('answers FORBIDDEN to a customer writing the menu', async () => {
      const response = await post('menu.food.create', { items: [item] }, customerToken);
      expect(response.status).toBe(403);
    });

    it('answers UNAUTHORIZED to a bad token, even on a public read', async () => {
      const response = await get('menu.food.list', undefined, 'not-a-token');
      expect(response.status).toBe(401);
      expect((await errorOf(response)).message).toBe('invalid token');
    });

    it('answers UNAUTHORIZED to an expired token and says it expired', async () => {
      const expired = await signToken(api.deps.config.AUTH_SECRET, { sub: 'root', role: 'admin' }, '1m', new Date(Date.now() - 3_600_000));
      const response = await post('menu.food.create', { items: [item] }, expired);
      expect(response.status).toBe(401);
      expect((await errorOf(response)).message).toBe('token expired');
    });

    it('answers NOT_FOUND for an unknown procedure and an unknown route', async () => {
      expect((await get('menu.food.nope')).status).toBe(404);
      const response = await api.request('/nowhere');
      expect(response.status).toBe(404);
      expect((await errorOf(response)).data.code).toBe('NOT_FOUND');
    });
  });

  describe('bad input', () => {
    it.each([
      ['a price as a number', { items: [{ ...item, price: 2.5 }] }, 'items[0].price', /decimal string/],
      ['a price with three decimals', { items: [{ ...item, price: '2.505' }] }, 'items[0].price', /two places/],
      ['a negative price', { items: [{ ...item, price: '-1.00' }] }, 'items[0].price', /must not be negative/],
      ['a 10,000-character name', { items: [{ ...item, name: 'x'.repeat(10_000) }] }, 'items[0].name', /at most 200/],
      ['an empty name', { items: [{ ...item, name: '   ' }] }, 'items[0].name', /must not be empty/],
      ['a NUL character in a name', { items: [{ ...item, name: 'a\u0000b' }] }, 'items[0].name', /NUL/],
      ['an unknown category', { items: [{ ...item, category: 'Soups' }] }, 'items[0].category', /Appetizers/],
      ['an unknown field', { items: [{ ...item, colour: 'red' }] }, 'items[0].colour', /unknown field/],
      ['a string where a boolean belongs', { items: [{ ...item, available: 'yes' }] }, 'items[0].available', /boolean/],
      ['no items', { items: [] }, 'items', /at least one/],
      ['501 items', { items: Array.from({ length: 501 }, () => item) }, 'items', /at most 500/],
      ['an array for the whole input', [item], 'input', /object/],
    ])('answers 400 naming the field for %s', async (_, input, field, reason) => {
      const response = await post('menu.food.create', input, adminToken);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.data.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(`${field}: `);
      expect(error.data.issues?.find((issue) => issue.path === field)?.message).toMatch(reason);
    });

    it('answers 400 for an id PostgreSQL could not hold', async () => {
      const response = await get('menu.food.get', { id: 3_000_000_000 });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toMatch(/^id: /);
    });

    it('answers 400 for a quantity out of range in a quote', async () => {
      const response = await get('menu.quote', {
        items: [
          { kind: 'food', id: 1, quantity: 1 },
          { kind: 'bar', id: 1, quantity: 0 },
        ],
      });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toBe('items[1].quantity: must be at least 1');
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await post('menu.food.create', '{"items": [', adminToken);
      expect(response.status).toBe(400);
      await errorOf(response);
    });

    it('answers 400 for a GET input that is not JSON', async () => {
      const response = await api.request('/trpc/menu.food.list?input=%7Bnope');
      expect(response.status).toBe(400);
    });

    it('answers 415 to a POST without a JSON content type', async () => {
      const response = await api.request('/trpc/menu.food.create', { method: 'POST', headers: auth(adminToken), body: JSON.stringify({ items: [item] }) });
      expect(response.status).toBe(415);
      const error = await errorOf(response);
      expect(error.data.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(error.message).toMatch(/Content-Type: application\/json/);
    });

    it('accepts JSON with a charset', async () => {
      const response = await api.request('/trpc/menu.food.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...auth(adminToken) },
        body: JSON.stringify({ items: [item] }),
      });
      expect(response.status).toBe(200);
    });

    it('answers 413 with a tRPC-shaped error to a body over the limit', async () => {
      const body = JSON.stringify({ items: [{ ...item, description: 'x'.repeat(100 * 1024) }] });
      const response = await post('menu.food.create', body, adminToken);
      expect(response.status).toBe(413);
      const error = await errorOf(response);
      expect(error.data).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
      expect(error.message).toMatch(/larger than 65536 bytes/);
    });

    it('answers 413 to a streamed body over the limit that announces no length', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await api.request('/trpc/menu.food.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...auth(adminToken) },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    });
  });
});
