import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OrderHistoryEntry, OrderStatus } from './api-types';
import { createDeliveryClient } from './delivery-client';
import { clientFailureOf, conflictOf, deliveryErrorCode } from './delivery-errors';
import { allOrders } from './order-pages';
import { failure, ok, placed, scriptedFetch, silentFetch } from './testing/scripted-fetch';

/** How a promise settles: a failed call is caught, not thrown. */
async function settle<T>(promise: Promise<T>): Promise<{ error: unknown }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error };
}

describe('the delivery client, when things go wrong', () => {
  it('rejects at once when the call is aborted while it waits to retry', async () => {
    const { fetch, requests } = scriptedFetch([failure('SERVICE_UNAVAILABLE', 503), ok([])]);
    // A backoff of 5 to 10 minutes: only the abort can end this call within the test's time limit.
    const client = createDeliveryClient({ url: 'http://api.test', fetch, retry: { attempts: 3, baseDelayMs: 600_000 } });
    const controller = new AbortController();
    const call = settle(client.menu.food.list.query({}, { signal: controller.signal }));
    // The first attempt has failed once the request is recorded and its answer read; then the wait begins.
    await expect.poll(() => requests.length).toBe(1);
    controller.abort();
    expect(clientFailureOf((await call).error)).toBe('aborted');
    expect(requests).toHaveLength(1);
  });

  it('gives up on a server that never answers after the default time limit', async () => {
    const { fetch, requestCount } = silentFetch();
    const client = createDeliveryClient({ url: 'http://api.test', fetch, timeoutMs: 50 });
    const { error } = await settle(client.menu.food.list.query({}));
    expect(clientFailureOf(error)).toBe('timeout');
    expect((error as Error).message).toBe('no answer within 50 ms');
    expect(requestCount()).toBe(1);
  });

  it('takes a time limit per call that wins over the client-wide one', async () => {
    const { fetch } = silentFetch();
    const client = createDeliveryClient({ url: 'http://api.test', fetch, timeoutMs: 60_000 });
    const { error } = await settle(client.order.get.query({ orderId: placed.orderId }, { context: { timeoutMs: 30 } }));
    expect(clientFailureOf(error)).toBe('timeout');
    expect((error as Error).message).toBe('no answer within 30 ms');
  });

  it('on UNAUTHORIZED asks getToken for a fresh token and repeats the call once', async () => {
    const { fetch, requests } = scriptedFetch([failure('UNAUTHORIZED', 401), ok(placed)]);
    const asked: boolean[] = [];
    const client = createDeliveryClient({
      url: 'http://api.test',
      fetch,
      getToken: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? 'fresh' : 'expired';
      },
    });
    await expect(client.order.cancel.mutate({ orderId: placed.orderId })).resolves.toEqual(placed);
    expect(asked).toEqual([false, true]);
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual(['Bearer expired', 'Bearer fresh']);
  });

  it('repeats an UNAUTHORIZED call only once, and not at all with a fixed token', async () => {
    const twice = scriptedFetch([failure('UNAUTHORIZED', 401), failure('UNAUTHORIZED', 401), ok([])]);
    const refreshing = createDeliveryClient({ url: 'http://api.test', fetch: twice.fetch, getToken: () => 'bad' });
    expect(deliveryErrorCode((await settle(refreshing.order.list.query({}))).error)).toBe('UNAUTHORIZED');
    expect(twice.requests).toHaveLength(2);

    const once = scriptedFetch([failure('UNAUTHORIZED', 401), ok([])]);
    const fixed = createDeliveryClient({ url: 'http://api.test', fetch: once.fetch, token: 'bad' });
    expect(deliveryErrorCode((await settle(fixed.order.list.query({}))).error)).toBe('UNAUTHORIZED');
    expect(once.requests).toHaveLength(1);
  });

  it('reports a failing getToken as its own failure, not a network error, and does not retry it', async () => {
    const { fetch, requests } = scriptedFetch([ok([])]);
    let calls = 0;
    const client = createDeliveryClient({
      url: 'http://api.test',
      fetch,
      retry: { baseDelayMs: 1 },
      getToken: () => {
        calls += 1;
        throw new Error('session expired');
      },
    });
    const { error } = await settle(client.order.list.query({}));
    expect(clientFailureOf(error)).toBe('token');
    expect((error as Error).message).toBe('getToken failed: session expired');
    expect(calls).toBe(1);
    expect(requests).toHaveLength(0);
  });

  it('calls a refused connection a network failure', async () => {
    const client = createDeliveryClient({ url: 'http://api.test', retry: { attempts: 1 }, fetch: () => Promise.reject(new TypeError('fetch failed')) });
    expect(clientFailureOf((await settle(client.menu.bar.list.query({}))).error)).toBe('network');
  });

  it('returns no code for an answer whose code it does not know', async () => {
    const { fetch } = scriptedFetch([failure('I_AM_A_TEAPOT', 418)]);
    const client = createDeliveryClient({ url: 'http://api.test', fetch });
    const { error } = await settle(client.menu.bar.list.query({}));
    expect(deliveryErrorCode(error)).toBeUndefined();
    expect(clientFailureOf(error)).toBeUndefined();
  });

  it('types and returns the status of a conflict as the status union', async () => {
    const { fetch } = scriptedFetch([failure('CONFLICT', 409, { currentVersion: 2, currentStatus: 'delivered' })]);
    const client = createDeliveryClient({ url: 'http://api.test', token: 't', fetch });
    const conflict = conflictOf((await settle(client.order.cancel.mutate({ orderId: placed.orderId }))).error);
    expect(conflict).toEqual({ currentVersion: 2, currentStatus: 'delivered' });
    expectTypeOf(conflict).toEqualTypeOf<{ currentVersion: number; currentStatus?: OrderStatus } | undefined>();
  });
});

describe('every order, page by page', () => {
  const order = (n: number) => ({ ...placed, orderId: `order-${n}` });

  it('follows the cursor until the last page, passing the filter on', async () => {
    const { fetch, requests } = scriptedFetch([
      ok({ items: [order(1), order(2)], nextCursor: 'c1' }),
      ok({ items: [order(3)], nextCursor: 'c2' }),
      ok({ items: [], nextCursor: null }),
    ]);
    const client = createDeliveryClient({ url: 'http://api.test', token: 't', fetch });
    const seen: string[] = [];
    for await (const each of allOrders(client, { status: 'pending', limit: 2 })) seen.push(each.orderId);
    expect(seen).toEqual(['order-1', 'order-2', 'order-3']);
    const inputs = requests.map((request) => JSON.parse(new URL(request.url).searchParams.get('input') ?? '{}')['0']);
    expect(inputs).toEqual([
      { status: 'pending', limit: 2 },
      { status: 'pending', limit: 2, cursor: 'c1' },
      { status: 'pending', limit: 2, cursor: 'c2' },
    ]);
  });

  it('fetches no further page once the loop stops', async () => {
    const { fetch, requests } = scriptedFetch([ok({ items: [order(1), order(2)], nextCursor: 'c1' }), ok({ items: [order(3)], nextCursor: null })]);
    const client = createDeliveryClient({ url: 'http://api.test', token: 't', fetch });
    for await (const each of allOrders(client)) if (each.orderId === 'order-1') break;
    expect(requests).toHaveLength(1);
  });
});

describe('the narrow types', () => {
  it('types the history as a union discriminated by event type', () => {
    expectTypeOf<OrderHistoryEntry['type']>().toEqualTypeOf<'OrderPlaced' | 'OrderAccepted' | 'OrderRejected' | 'OrderCancelled' | 'OrderDelivered'>();
    expectTypeOf<Extract<OrderHistoryEntry, { type: 'OrderRejected' }>['data']>().toEqualTypeOf<{ orderId: string; reason: string }>();
    expectTypeOf<Extract<OrderHistoryEntry, { type: 'OrderPlaced' }>['data']>().toHaveProperty('total').toEqualTypeOf<string>();
    expectTypeOf<Extract<OrderHistoryEntry, { type: 'OrderPlaced' }>['data']>().not.toHaveProperty('customerId');
  });
});
