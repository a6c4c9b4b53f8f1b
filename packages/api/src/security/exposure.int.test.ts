import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, orderStreamId, readOrderStream } from '@delivery/events';
import { applyOrderEvent } from '@delivery/projections';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApi } from '../api-process';
import { DEV_AUTH_SECRET } from '../config/api-config';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../auth/jwt';
import { createTestApi, type TestApi } from '../testing';
import { ADMIN, ALICE, codeOf, VENDOR } from './security-harness';

const OUTSIDER = '203.0.113.9';

describe('who reaches what', () => {
  describe('the listening address', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await createTestApi({ config: { PORT: 0 } });
    });
    afterAll(() => api?.close());

    it('is loopback by default, and every warning is logged at start (in every mode: embedded serves through here too)', async () => {
      const lines: string[] = [];
      const logger = createLogger({ name: 'api', level: 'info', destination: { write: (line) => lines.push(line) } });
      const running = await serveApi({ ...api.deps, logger, config: { ...api.deps.config, AUTH_SECRET: DEV_AUTH_SECRET } }, { release: async () => undefined });
      try {
        expect(running.listening).toMatch(/^127\.0\.0\.1:\d+$/);
        expect(lines.some((line) => line.includes('"level":40') && line.includes('public development secret'))).toBe(true);
        expect(lines.some((line) => line.includes(`api listening on ${running.listening}`))).toBe(true);
      } finally {
        await running.stop();
      }
    });

    it('is never beyond loopback with the development secret, however the address is given', async () => {
      const deps = { ...api.deps, config: { ...api.deps.config, AUTH_SECRET: DEV_AUTH_SECRET } };
      await expect(serveApi(deps, { hostname: '0.0.0.0', release: async () => undefined })).rejects.toThrow(/AUTH_SECRET: must be set to listen on 0\.0\.0\.0/);
    });

    it('is every interface when HOST says so', async () => {
      const running = await serveApi({ ...api.deps, config: { ...api.deps.config, HOST: '0.0.0.0' } }, { release: async () => undefined });
      try {
        expect(running.listening).toMatch(/^0\.0\.0\.0:\d+$/);
        expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      } finally {
        await running.stop();
      }
    });
  });

  describe('/dev/mail', () => {
    let api: TestApi;
    let folder: string;
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'security-mail-'));
      await writeFile(join(folder, 'one.eml'), 'To: alice@example.com\r\nSubject: Your order\r\n\r\nThanks');
      api = await createTestApi({ config: { MAIL_DIR: folder }, seed: false });
    });
    afterAll(async () => {
      await api?.close();
      await rm(folder, { recursive: true, force: true });
    });

    const status = async (path: string, from: string | undefined, headers: Record<string, string> = {}) => (await api.request(path, { headers }, from)).status;

    it('answers callers on this machine', async () => {
      expect(await status('/dev/mail', '127.0.0.1')).toBe(200);
      expect(await status('/dev/mail/one.eml', '::1')).toBe(200);
    });

    it('refuses anonymous callers from elsewhere, through a proxy, or with no socket', async () => {
      expect(await status('/dev/mail', OUTSIDER)).toBe(401);
      expect(await status('/dev/mail/one.eml', OUTSIDER)).toBe(401);
      expect(await status('/dev/mail', '127.0.0.1', { 'x-forwarded-for': OUTSIDER })).toBe(401);
      expect(await status('/dev/mail', undefined)).toBe(401);
    });

    it('answers an admin from anywhere, and no other role', async () => {
      expect(await status('/dev/mail/one.eml', OUTSIDER, { authorization: `Bearer ${await api.tokens.of(ADMIN)}` })).toBe(200);
      expect(await status('/dev/mail', OUTSIDER, { authorization: `Bearer ${await api.tokens.of(ALICE)}` })).toBe(403);
      expect(await status('/dev/mail', OUTSIDER, { authorization: `Bearer ${await api.tokens.of(VENDOR)}` })).toBe(403);
    });
  });

  describe('the original paths in production', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await createTestApi({ config: { NODE_ENV: 'production', LEGACY_API: 'on', LEGACY_API_ALLOW: ['10.0.0.0/8'] } });
    });
    afterAll(() => api?.close());

    const legacy = (method: string, path: string, from: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
      api.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, from);
    const ROUTES: [string, string, unknown?][] = [
      ['GET', '/menu/api/food/getall'],
      ['GET', '/menu/api/bar/getall/Beer'],
      ['POST', '/menu/api/food/create', [{ name: 'Free', price: '0.01', category: 'Sides' }]],
      ['PUT', '/menu/api/food/update', { Update_All: true, data: { price: '0.01' } }],
      ['POST', '/menu/api/total/cost', { items: [{ name: 'Bruschetta', quantity: 1 }] }],
      ['POST', '/order/api/create', { items: [{ name: 'Bruschetta', quantity: 1 }], email: 'x@example.com' }],
      ['GET', '/order/api/get'],
      ['GET', `/order/api/get/${crypto.randomUUID()}`],
      ['PUT', `/order/api/update/${crypto.randomUUID()}`, { status: 'rejected' }],
    ];

    it.each(ROUTES)('refuse %s %s from a network not allowed, whatever token is sent', async (method, path, body) => {
      expect((await legacy(method, path, OUTSIDER, body)).status).toBe(403);
      expect((await legacy(method, path, OUTSIDER, body, { authorization: `Bearer ${await api.tokens.of(ADMIN)}` })).status).toBe(403);
      expect((await legacy(method, path, '127.0.0.1', body, { 'x-forwarded-for': OUTSIDER })).status).toBe(403);
    });

    it('answer loopback and the allowed networks', async () => {
      expect((await legacy('GET', '/menu/api/food/getall', '127.0.0.1')).status).toBe(200);
      expect((await legacy('GET', '/menu/api/food/getall', '10.20.30.40')).status).toBe(200);
      expect((await legacy('GET', '/menu/api/food/getall', '::ffff:10.20.30.40')).status).toBe(200);
    });

    it('list orders a page at a time', async () => {
      const ids: string[] = [];
      for (let n = 0; n < 3; n += 1) {
        const created = await legacy('POST', '/order/api/create', '127.0.0.1', { items: [{ name: 'Bruschetta', quantity: 1 }], email: 'legacy@example.com' });
        const { id } = (await created.json()) as { id: string };
        const [placed] = await readOrderStream(api.deps.eventStore, id);
        await applyOrderEvent({ db: api.deps.db.orders, store: api.deps.eventStore }, { streamId: orderStreamId(id), streamVersion: 1, event: placed!.event });
        ids.push(id);
      }
      const first = await legacy('GET', '/order/api/get?limit=2', '127.0.0.1');
      const cursor = first.headers.get('x-next-cursor');
      expect(((await first.json()) as unknown[]).length).toBe(2);
      expect(cursor).toBeTruthy();
      expect(first.headers.get('link')).toContain('rel="next"');
      const second = await legacy('GET', `/order/api/get?limit=2&cursor=${encodeURIComponent(cursor!)}`, '127.0.0.1');
      const rest = (await second.json()) as { id: string }[];
      expect(rest.map((order) => order.id)).toContain(ids[0]);
      expect((await legacy('GET', '/order/api/get?limit=1000', '127.0.0.1')).status).toBe(400);
    });

    it("change the status of orders placed through them only, never a real customer's", async () => {
      const { orderId } = await api.caller(ALICE).order.place({ items: [{ kind: 'food', id: 1, quantity: 1 }] });
      for (const status of ['accepted', 'rejected', 'delivered', 'cancelled']) {
        expect((await legacy('PUT', `/order/api/update/${orderId}`, '127.0.0.1', { status })).status).toBe(403);
      }
      expect((await api.caller(ADMIN).order.get({ orderId })).status).toBe('pending');
      const created = await legacy('POST', '/order/api/create', '127.0.0.1', { items: [{ name: 'Bruschetta', quantity: 1 }], email: 'legacy@example.com' });
      const { id } = (await created.json()) as { id: string };
      const accepted = await legacy('PUT', `/order/api/update/${id}`, '127.0.0.1', { status: 'accepted' });
      expect(accepted.status).toBe(200);
    });
  });

  describe('the OpenAPI document', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await createTestApi({ config: { PUBLIC_URL: 'https://shop.example.com' }, seed: false });
    });
    afterAll(() => api?.close());

    it('names PUBLIC_URL as its server, whatever Host the request carries', async () => {
      const response = await api.request('http://evil.example/openapi.json', { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
      expect(((await response.json()) as { servers: unknown }).servers).toEqual([{ url: 'https://shop.example.com' }]);
    });

    it('documents the limits and their 429 with Retry-After', async () => {
      const document = (await (await api.request('/openapi.json')).json()) as {
        info: { description: string };
        paths: Record<string, { post?: { responses: Record<string, unknown> } }>;
      };
      expect(document.info.description).toMatch(/ORDER_RATE_LIMIT.*429 `TOO_MANY_REQUESTS` with a `Retry-After`/s);
      expect(Object.keys(document.paths['/api/v1/orders']!.post!.responses)).toContain('429');
    });
  });

  describe('/metrics', () => {
    let api: TestApi;
    const token = 'metrics-token-0123456789';
    beforeAll(async () => {
      api = await createTestApi({ config: { METRICS_TOKEN: token }, seed: false });
    });
    afterAll(() => api?.close());

    it('answers only with the metrics token when one is set', async () => {
      expect((await api.request('/metrics')).status).toBe(401);
      expect((await api.request('/metrics', { headers: { authorization: 'Bearer metrics-token-wrong-0000' } })).status).toBe(401);
      expect((await api.request('/metrics', { headers: { authorization: `Bearer ${await api.tokens.of(ADMIN)}` } })).status).toBe(401);
      const allowed = await api.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('http_requests_total');
    });
  });

  describe('token lifetimes', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await createTestApi({ config: { TOKEN_MAX_TTL: 86_400 }, seed: false });
    });
    afterAll(() => api?.close());

    const secret = () => new TextEncoder().encode(api.deps.config.AUTH_SECRET);
    const now = () => Math.floor(Date.now() / 1000);
    const token = (iat: number, exp: number) =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(secret());
    const list = async (bearer: string) => api.request('/trpc/order.list', { headers: { authorization: `Bearer ${bearer}` } });

    it('accepts a token within the cap', async () => {
      expect(await codeOf(await list(await token(now(), now() + 3600)))).toBe('OK');
    });

    it('refuses a token that lives longer than TOKEN_MAX_TTL, however far off its expiry', async () => {
      const response = await list(await token(now() - 60, now() + 2 * 86_400));
      expect(response.status).toBe(401);
      expect(await response.text()).toMatch(/lives longer than 86400 seconds/);
    });

    it('refuses a token issued in the future, or with no issue time', async () => {
      expect((await list(await token(now() + 3600, now() + 7200))).status).toBe(401);
      const noIat = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setExpirationTime(now() + 60)
        .sign(secret());
      expect((await list(noIat)).status).toBe(401);
    });
  });
});
