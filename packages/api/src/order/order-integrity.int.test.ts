import { countEventsAfter, getOutboxStatus, orderStreamId } from '@delivery/events';
import { sampleOrderPlaced } from '@delivery/events/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../auth/jwt';
import { createTestApi, outcomeOf, TEST_AUTH_SECRET, type TestApi } from '../testing';

const alice = { sub: 'alice', role: 'customer' as const, email: 'alice@example.com' };
const vendor = { sub: 'kitchen', role: 'vendor' as const };
const admin = { sub: 'root', role: 'admin' as const };

describe('what order.place accepts, the read side can read', () => {
  let api: TestApi;
  /** Fifty food items at 20,000.00: fifty lines of a hundred come to 100,000,000.00, past the money format. */
  let dearIds: number[];

  beforeAll(async () => {
    api = await createTestApi();
    const dear = Array.from({ length: 50 }, (_, n) => ({
      name: `Banquet ${n}`,
      description: 'for a hundred',
      price: '20000.00',
      available: true,
      category: 'Entrees' as const,
    }));
    dearIds = (await api.caller(admin).menu.food.create({ items: dear })).map((item) => item.id);
  });
  afterAll(() => api?.close());

  const storedEvents = () => countEventsAfter(api.deps.db.orders, 0n);

  it('refuses an order whose total passes the largest amount, naming the field, and stores nothing', async () => {
    const before = await storedEvents();
    const items = dearIds.map((id) => ({ kind: 'food' as const, id, quantity: 100 }));
    await expect(api.caller(alice).order.place({ items })).rejects.toThrow(/^items: the order total would pass 99999999\.99/);
    await expect(api.caller(null).menu.quote({ items })).rejects.toThrow(/^items: the order total would pass/);
    expect(await storedEvents()).toBe(before);
    expect((await getOutboxStatus(api.deps.db.orders, new Date())).pending).toBe(0);
  });

  it('places an order right at the largest amount, and reads it back', async () => {
    const [top] = await api.caller(admin).menu.food.create({
      items: [{ name: 'The whole restaurant', description: 'once', price: '99999999.99', available: true, category: 'Entrees' }],
    });
    const placed = await api.caller(alice).order.place({ items: [{ kind: 'food', id: top!.id, quantity: 1 }] });
    expect(placed.total).toBe('99999999.99');
    expect((await api.caller(alice).order.history({ orderId: placed.orderId }))[0]).toMatchObject({ type: 'OrderPlaced', data: { total: '99999999.99' } });
  });

  it('refuses the same item in two lines, which would pass the cap of one line', async () => {
    const items = [
      { kind: 'food' as const, id: 1, quantity: 100 },
      { kind: 'bar' as const, id: 1, quantity: 1 },
      { kind: 'food' as const, id: 1, quantity: 100 },
    ];
    await expect(api.caller(alice).order.place({ items })).rejects.toThrow(/^items\[2\]\.id: the same food item as items\[0\]/);
  });

  it('answers 400 for an item id past 32 bits, on tRPC and REST, instead of a database error', async () => {
    const token = await api.tokens.customer();
    const body = JSON.stringify({ items: [{ kind: 'food', id: 2_147_483_648, quantity: 1 }] });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    for (const path of ['/trpc/order.place', '/api/v1/orders']) {
      const response = await api.request(path, { method: 'POST', headers, body });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(await response.text()).toContain('items[0].id');
    }
    const quote = await api.request(`/trpc/menu.food.get?input=${encodeURIComponent('{"id":2147483648}')}`);
    expect(quote.status).toBe(400);
  });

  it('answers 401 to a correctly signed token whose subject holds a NUL', async () => {
    const forged = await new SignJWT({ role: 'customer', email: 'nul@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('eve\u0000')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_AUTH_SECRET));
    const response = await api.request('/trpc/order.list', { headers: { authorization: `Bearer ${forged}` } });
    expect(response.status).toBe(401);
  });

  it('gives every loser of a race for the same order the real status in its CONFLICT, not the stream', async () => {
    const { orderId } = await api.caller(alice).order.place({ items: [{ kind: 'food', id: 1, quantity: 1 }] });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => api.caller(vendor).order.accept({ orderId, expectedVersion: 1 })));
    const losers = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as { code: string; message: string; cause: { currentStatus?: string } }] : [],
    );
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.code).toBe('CONFLICT');
      expect(loser.cause.currentStatus).toBe('accepted');
      expect(loser.message).not.toContain(orderStreamId(orderId));
    }
  });

  it('answers a clear error for an order with a stored event it cannot read, and keeps every other order working', async () => {
    const damaged = sampleOrderPlaced();
    await api.deps.eventStore.appendToStream(orderStreamId(damaged.data.orderId), [{ ...damaged, data: { ...damaged.data, total: '100000000.00' } }], {
      expectedVersion: 'no_stream',
    });
    const healthy = await api.caller(alice).order.place({ items: [{ kind: 'food', id: 1, quantity: 1 }] });

    const response = await api.request(`/trpc/order.history?input=${encodeURIComponent(JSON.stringify({ orderId: damaged.data.orderId }))}`, {
      headers: { authorization: `Bearer ${await api.tokens.customer()}` },
    });
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      `order ${damaged.data.orderId} cannot be read: its stored event at version 1 (OrderPlaced) is in a form this server cannot read; it stays unavailable until an operator repairs it`,
    );
    expect(await outcomeOf(api.caller(vendor).order.accept({ orderId: damaged.data.orderId }))).toBe('INTERNAL_SERVER_ERROR');
    expect((await api.caller(vendor).order.accept({ orderId: healthy.orderId })).status).toBe('accepted');
    expect(await api.caller(alice).order.history({ orderId: healthy.orderId })).toHaveLength(2);
  });
});
