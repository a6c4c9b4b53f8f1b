import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app';
import { customerLimitsConfig } from '../deps/app-deps';
import { mysqlCustomerLimits } from '../limits/customer-limits';
import { waitSlots, type WaitSlots } from '../limits/wait-slots';
import { startApiServer } from '../server';
import { ALICE, BOB, codeOf, createSecurityApi, firstSseEvent, sseOutcome, type SecurityApi } from './security-harness';

type Api = SecurityApi & { closeAll(): Promise<void> };
const json = { 'content-type': 'application/json' };
const ITEMS = { items: [{ kind: 'food', id: 1, quantity: 1 }] };

describe('one client cannot take the service', () => {
  describe('orders per customer', () => {
    let api: Api;
    beforeAll(async () => {
      api = await createSecurityApi({ config: { ORDER_RATE_LIMIT: 3, ORDER_RATE_WINDOW_S: 60 } });
    });
    afterAll(() => api?.closeAll());

    const place = (who: 'alice' | 'bob', app = api.app) =>
      app.request('/trpc/order.place', { method: 'POST', headers: { ...json, ...api.auth[who] }, body: JSON.stringify(ITEMS) });

    it('answers 429 TOO_MANY_REQUESTS with Retry-After over the limit, on /trpc and REST, and serves other customers meanwhile', async () => {
      for (let n = 0; n < 3; n += 1) expect((await place('alice')).status).toBe(200);
      const refused = await place('alice');
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const body = (await refused.json()) as { error: { message: string; data: { code: string; retryAfterSeconds: number } } };
      expect(body.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: retryAfter });
      expect(body.error.message).toMatch(/at most 3 orders per 60 s/);

      const rest = await api.request('/api/v1/orders', { method: 'POST', headers: { ...json, ...api.auth.alice }, body: JSON.stringify(ITEMS) });
      expect(rest.status).toBe(429);
      expect(rest.headers.get('retry-after')).toBeTruthy();

      expect((await place('bob')).status).toBe(200);
      expect(await codeOf(await api.request('/trpc/menu.food.list', { headers: api.auth.alice }))).toBe('OK');
    });

    it('refuses an order over the limit with 429 whatever its items, and counts an order refused for its items', async () => {
      const unknownItem = JSON.stringify({ items: [{ kind: 'food', id: 999_999, quantity: 1 }] });
      const placeAs = (who: 'alice' | 'bob', body: string) =>
        api.request('/trpc/order.place', { method: 'POST', headers: { ...json, ...api.auth[who] }, body });
      // Alice used her three orders in the previous test; Bob one.
      expect(await codeOf(await placeAs('alice', unknownItem))).toBe('TOO_MANY_REQUESTS');
      expect(await codeOf(await placeAs('bob', unknownItem))).toBe('BAD_REQUEST');
      expect((await placeAs('bob', JSON.stringify(ITEMS))).status).toBe(200);
      expect(await codeOf(await placeAs('bob', JSON.stringify(ITEMS)))).toBe('TOO_MANY_REQUESTS');
    });

    it('is shared by every API process: a second process with its own limiter on the same MySQL counts the same orders', async () => {
      const ownLimits = mysqlCustomerLimits(api.deps.config.MYSQL_URL, customerLimitsConfig(api.deps.config), api.deps.logger);
      try {
        const second = createApp({ ...api.deps, limits: ownLimits });
        // Alice used her three orders through the first process (previous test).
        expect((await place('alice', second)).status).toBe(429);
        const carol = await api.tokens.customer('carol');
        const asCarol = (app: typeof second) =>
          app.request('/trpc/order.place', { method: 'POST', headers: { ...json, authorization: `Bearer ${carol}` }, body: JSON.stringify(ITEMS) });
        expect((await asCarol(api.app)).status).toBe(200);
        expect((await asCarol(second)).status).toBe(200);
        expect((await asCarol(api.app)).status).toBe(200);
        expect((await asCarol(second)).status).toBe(429);
      } finally {
        await ownLimits.close();
      }
    });
  });

  describe('open subscriptions per customer', () => {
    let api: Api;
    beforeAll(async () => {
      api = await createSecurityApi({ config: { SUBSCRIPTION_LIMIT: 2 } });
    });
    afterAll(() => api?.closeAll());

    const follow = async (who: 'alice' | 'bob' | 'vendor', orderId: string) =>
      api.request(`/trpc/order.onStatusChange?input=${encodeURIComponent(JSON.stringify({ orderId }))}`, {
        headers: { ...api.auth[who], accept: 'text/event-stream' },
      });

    it('answers 429 with Retry-After past the limit, frees a slot when a client leaves, and serves others meanwhile', async () => {
      const orderId = await api.placeAlicesOrder();
      const open = [
        await firstSseEvent(await follow('alice', orderId), { cancel: false }),
        await firstSseEvent(await follow('alice', orderId), { cancel: false }),
      ];
      expect(open.map(sseOutcome)).toEqual(['OK', 'OK']);

      const refused = await follow('alice', orderId);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: { data: { code: string } } }).error.data.code).toBe('TOO_MANY_REQUESTS');

      // Staff are not limited; Bob has slots of his own.
      expect(sseOutcome(await firstSseEvent(await follow('vendor', orderId)))).toBe('OK');
      const bobsOrder = (await api.caller(BOB).order.place(ITEMS as never)).orderId;
      expect(sseOutcome(await firstSseEvent(await follow('bob', bobsOrder)))).toBe('OK');

      await open[0]!.reader.cancel();
      await vi.waitFor(async () => {
        const again = await follow('alice', orderId);
        expect(again.status).toBe(200);
        await again.body?.cancel();
      });
      await open[1]!.reader.cancel();
    });
  });

  describe('the email field', () => {
    let api: Api;
    beforeAll(async () => {
      api = await createSecurityApi();
    });
    afterAll(() => api?.closeAll());

    it("refuses to send a confirmation to an address other than the token's", async () => {
      const response = await api.request('/api/v1/orders', {
        method: 'POST',
        headers: { ...json, ...api.auth.alice },
        body: JSON.stringify({ ...ITEMS, email: 'victim@example.com' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { issues: { path: string }[] }).issues).toEqual([
        { path: 'email', message: expect.stringMatching(/your token's address/) },
      ]);
    });

    it("takes the token's own address, in any case, or none", async () => {
      const shouted = await api.caller(ALICE).order.place({ ...ITEMS, email: 'ALICE@example.com' } as never);
      expect((await api.caller(ALICE).order.get({ orderId: shouted.orderId })).email).toBe('alice@example.com');
      const plain = await api.caller(ALICE).order.place(ITEMS as never);
      expect((await api.caller(ALICE).order.get({ orderId: plain.orderId })).email).toBe('alice@example.com');
    });
  });

  describe('order.get with minVersion', () => {
    let api: Api;
    let taken: number;
    const counted = (slots: WaitSlots): WaitSlots => ({
      tryTake() {
        taken += 1;
        return slots.tryTake();
      },
      get inUse() {
        return slots.inUse;
      },
    });
    beforeAll(async () => {
      api = await createSecurityApi({ config: { MIN_VERSION_WAIT_MS: 60_000, MAX_CONCURRENT_WAITS: 1 }, deps: { waits: counted(waitSlots(1)) } });
    });
    afterAll(() => api?.closeAll());

    const get = (who: 'alice' | 'bob', orderId: string, minVersion: number, signal?: AbortSignal) =>
      api.request(`/trpc/order.get?input=${encodeURIComponent(JSON.stringify({ orderId, minVersion }))}`, {
        headers: api.auth[who],
        ...(signal ? { signal } : {}),
      });

    it('answers an unknown order and a foreign one alike, at once, without waiting', async () => {
      taken = 0;
      const orderId = await api.placeAlicesOrder();
      const foreign = await get('bob', orderId, 5);
      const unknown = await get('bob', crypto.randomUUID(), 5);
      expect([foreign.status, unknown.status]).toEqual([404, 404]);
      const messageOf = async (response: Response) =>
        ((await response.json()) as { error: { message: string } }).error.message.replace(/[0-9a-f-]{36}/, '<id>');
      expect(await messageOf(foreign)).toBe(await messageOf(unknown));
      expect(taken).toBe(0);
    });

    it('stops waiting when the client leaves', async () => {
      const orderId = await api.placeAlicesOrder();
      const leaving = new AbortController();
      const waiting = get('alice', orderId, 5, leaving.signal).catch((error: unknown) => error);
      await vi.waitFor(() => expect(api.deps.waits.inUse).toBe(1));
      leaving.abort();
      await waiting;
      await vi.waitFor(() => expect(api.deps.waits.inUse).toBe(0));
    });

    it('caps concurrent waits: past the cap a read does not wait, and a version never reached says so (TIMEOUT), never stale data', async () => {
      const orderId = await api.placeAlicesOrder();
      const leaving = new AbortController();
      const first = get('alice', orderId, 5, leaving.signal).catch((error: unknown) => error);
      await vi.waitFor(() => expect(api.deps.waits.inUse).toBe(1));
      const second = await get('alice', orderId, 5);
      expect(second.status).toBe(408);
      const body = (await second.json()) as { error: { message: string; data: { code: string; currentVersion: number } } };
      expect(body.error.data).toMatchObject({ code: 'TIMEOUT', currentVersion: 1 });
      expect(body.error.message).toMatch(/is at version 1; version 5 was not reached/);
      // A version the stream has is answered at once, from the stream, while the read model lags.
      expect(((await (await get('alice', orderId, 1)).json()) as { result: { data: { version: number } } }).result.data.version).toBe(1);
      leaving.abort();
      await first;
    });
  });

  describe('following an order nobody may see', () => {
    let api: Api;
    beforeAll(async () => {
      api = await createSecurityApi({ config: { UNKNOWN_ORDER_WAIT_MS: 200 } });
    });
    afterAll(() => api?.closeAll());

    it('ends with NOT_FOUND after UNKNOWN_ORDER_WAIT_MS, the same for unknown and foreign orders', async () => {
      const follow = async (orderId: string) =>
        firstSseEvent(
          await api.request(`/trpc/order.onStatusChange?input=${encodeURIComponent(JSON.stringify({ orderId }))}`, {
            headers: { ...api.auth.bob, accept: 'text/event-stream' },
          }),
        );
      const unknown = await follow(crypto.randomUUID());
      const foreign = await follow(await api.placeAlicesOrder());
      expect([sseOutcome(unknown), sseOutcome(foreign)]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      expect(JSON.parse(unknown.data).message).toMatch(/not found \(waited 200 ms for it\)/);
    });
  });

  describe('slow clients', () => {
    let api: Api;
    let server: Awaited<ReturnType<typeof startApiServer>>;
    beforeAll(async () => {
      api = await createSecurityApi({ config: { HEADERS_TIMEOUT_MS: 300, REQUEST_TIMEOUT_MS: 600 } });
      server = await startApiServer(api.deps, 0);
    });
    afterAll(async () => {
      await server?.close({ graceMs: 0 });
      await api?.closeAll();
    });

    /** Sends `text` and keeps the connection open; resolves with what the server wrote once it closes it. */
    const sendAndHang = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const { port, hostname } = new URL(server.url);
        const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });

    it('closes a request whose headers never end', async () => {
      expect(await sendAndHang('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')).toMatch(/^HTTP\/1\.1 408/);
    });

    it('closes a request whose body never ends, even with a valid token', async () => {
      const head = `POST /api/v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n${api.auth.alice.authorization ? `Authorization: ${api.auth.alice.authorization}\r\n` : ''}\r\n{"items":`;
      expect(await sendAndHang(head)).toMatch(/^HTTP\/1\.1 408/);
    });

    it('refuses a bad token before reading the body, on /api/v1 and /trpc', async () => {
      for (const path of ['/api/v1/orders', '/trpc/order.place']) {
        const neverEnds = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"items":')) });
        const response = await api.app.request(path, {
          method: 'POST',
          headers: { ...json, authorization: 'Bearer not-a-token' },
          body: neverEnds,
          duplex: 'half',
        } as RequestInit);
        expect(response.status).toBe(401);
      }
    });
  });
});
