import { describe, expect, expectTypeOf, it } from 'vitest';
import { createDeliveryClient, type DeliveryClient } from './delivery-client';
import { conflictOf, deliveryErrorCode, type DeliveryClientError } from './delivery-errors';
import type { RouterInputs, RouterOutputs } from './router-types';
import { failure, ok, placed, scriptedFetch } from './testing/scripted-fetch';

type OrderStatus = 'pending' | 'accepted' | 'delivered' | 'cancelled' | 'rejected';

describe('the delivery client types', () => {
  it('requires items to place an order and accepts an optional email and idempotency key', () => {
    type PlaceInput = RouterInputs['order']['place'];
    expectTypeOf<PlaceInput>().toEqualTypeOf<{
      items: { kind: 'food' | 'bar'; id: number; quantity: number }[];
      email?: string | undefined;
      idempotencyKey?: string | undefined;
    }>();
    expectTypeOf<{ email: string }>().not.toExtend<PlaceInput>();
    expectTypeOf<Parameters<DeliveryClient['order']['place']['mutate']>[0]>().toEqualTypeOf<PlaceInput>();
  });

  it('returns the placed order with a string id and a decimal-string total', async () => {
    expectTypeOf<RouterOutputs['order']['place']>().toEqualTypeOf<{
      orderId: string;
      status: OrderStatus;
      total: string;
      version: number;
    }>();
    expectTypeOf<ReturnType<DeliveryClient['order']['place']['mutate']>>().resolves.toHaveProperty('total').toEqualTypeOf<string>();
  });

  it('types an order with its lines, prices as strings and its version', () => {
    type Order = RouterOutputs['order']['get'];
    expectTypeOf<Order['status']>().toEqualTypeOf<OrderStatus>();
    expectTypeOf<Order['lines'][number]>().toMatchObjectType<{ kind: 'food' | 'bar'; itemId: number; unitPrice: string; lineTotal: string }>();
    expectTypeOf<Order>().toMatchObjectType<{ orderId: string; total: string; version: number; createdAt: string }>();
    expectTypeOf<RouterOutputs['order']['list']['items']>().toEqualTypeOf<Order[]>();
  });

  it('types the menu per kind, bar items with their alcohol content', () => {
    expectTypeOf<RouterOutputs['menu']['bar']['get']['alcoholContent']>().toEqualTypeOf<'Strong' | 'Medium' | 'None'>();
    expectTypeOf<RouterOutputs['menu']['food']['get']>().not.toHaveProperty('alcoholContent');
    expectTypeOf<RouterOutputs['menu']['quote']['total']>().toEqualTypeOf<string>();
  });

  it('types the live status changes as tracked events with the order status', () => {
    type Subscription = ReturnType<DeliveryClient['order']['onStatusChange']['subscribe']>;
    type Change = Subscription extends AsyncIterable<infer TChange> ? TChange : never;
    expectTypeOf<Change['id']>().toEqualTypeOf<string>();
    expectTypeOf<Change['data']>().toEqualTypeOf<{ orderId: string; status: OrderStatus; version: number; at: string }>();
    // The callback form sees the same changes.
    const follow = (client: DeliveryClient) =>
      client.order.onStatusChange.subscribe({ orderId: 'x' }, { onData: (change) => expectTypeOf(change).toEqualTypeOf<Change>() });
    expectTypeOf(follow).returns.toHaveProperty('unsubscribe');
    expectTypeOf<RouterInputs['order']['onStatusChange']>().toEqualTypeOf<{ orderId: string; lastEventId?: string | undefined }>();
  });

  it('types errors with their code and the conflict details', () => {
    type ErrorData = NonNullable<DeliveryClientError['data']>;
    expectTypeOf<ErrorData['currentVersion']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ErrorData['issues']>().toEqualTypeOf<{ path: string; message: string }[] | undefined>();
    expectTypeOf<ErrorData['code']>().toExtend<string>();
    expectTypeOf(conflictOf).returns.toEqualTypeOf<{ currentVersion: number; currentStatus?: OrderStatus } | undefined>();
    expectTypeOf(deliveryErrorCode).returns.toExtend<string | undefined>();
  });

  it('takes an abort signal on every call', () => {
    expectTypeOf<Parameters<DeliveryClient['order']['get']['query']>[1]>().toExtend<{ signal?: AbortSignal } | undefined>();
    expectTypeOf<Parameters<DeliveryClient['order']['place']['mutate']>[1]>().toExtend<{ signal?: AbortSignal } | undefined>();
  });
});

const items = [{ kind: 'food' as const, id: 1, quantity: 2 }];

describe('the delivery client', () => {
  it('sends the bearer token from getToken on each request', async () => {
    const { fetch, requests } = scriptedFetch([ok(placed), ok(placed)]);
    let calls = 0;
    const client = createDeliveryClient({ url: 'http://api.test/', getToken: () => `token-${++calls}`, fetch });
    await client.order.place.mutate({ items });
    await client.order.place.mutate({ items });
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(requests[0]?.url).toMatch(/^http:\/\/api\.test\/trpc\/order\.place\b/);
  });

  it('sends no authorization header without a token', async () => {
    const { fetch, requests } = scriptedFetch([ok([])]);
    const client = createDeliveryClient({ url: 'http://api.test', fetch });
    await client.menu.food.list.query({ category: 'Sides' });
    expect(requests[0]?.headers.has('authorization')).toBe(false);
  });

  it('retries a failed placement with the same idempotency key and returns the order', async () => {
    const { fetch, requests } = scriptedFetch([failure('INTERNAL_SERVER_ERROR', 500), ok(placed)]);
    const client = createDeliveryClient({ url: 'http://api.test', token: 't', fetch, retry: { baseDelayMs: 1 } });
    await expect(client.order.place.mutate({ items })).resolves.toEqual(placed);
    const keys = requests.map((request) => (request.body as Record<string, { idempotencyKey?: string }>)['0']?.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('does not retry a change of state such as cancel', async () => {
    const { fetch, requests } = scriptedFetch([failure('INTERNAL_SERVER_ERROR', 500), ok(placed)]);
    const client = createDeliveryClient({ url: 'http://api.test', token: 't', fetch, retry: { baseDelayMs: 1 } });
    await expect(client.order.cancel.mutate({ orderId: placed.orderId })).rejects.toThrow('INTERNAL_SERVER_ERROR happened');
    expect(requests).toHaveLength(1);
  });

  it('gives up after the configured number of attempts', async () => {
    const { fetch, requests } = scriptedFetch([failure('TOO_MANY_REQUESTS', 429), failure('TOO_MANY_REQUESTS', 429), ok([])]);
    const client = createDeliveryClient({ url: 'http://api.test', fetch, retry: { attempts: 2, baseDelayMs: 1 } });
    const error: unknown = await client.menu.bar.list.query({}).catch((caught: unknown) => caught);
    expect(deliveryErrorCode(error)).toBe('TOO_MANY_REQUESTS');
    expect(requests).toHaveLength(2);
  });

  it('surfaces a conflict with the current version and status', async () => {
    const { fetch } = scriptedFetch([failure('CONFLICT', 409, { currentVersion: 3, currentStatus: 'accepted' })]);
    const client = createDeliveryClient({ url: 'http://api.test', token: 't', fetch });
    const error: unknown = await client.order.cancel.mutate({ orderId: placed.orderId, expectedVersion: 1 }).catch((caught: unknown) => caught);
    expect(conflictOf(error)).toEqual({ currentVersion: 3, currentStatus: 'accepted' });
    expect(deliveryErrorCode(error)).toBe('CONFLICT');
  });

  it('cancels a call whose signal is aborted, without retrying it', async () => {
    const { fetch, requests } = scriptedFetch([ok([]), ok([])]);
    const client = createDeliveryClient({ url: 'http://api.test', fetch });
    const controller = new AbortController();
    controller.abort();
    await expect(client.menu.food.list.query({}, { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(requests.length).toBeLessThanOrEqual(1);
  });

  it('sends the bearer token when a subscription connects', async () => {
    let resolveConnected: (headers: Headers) => void = () => {};
    const connected = new Promise<Headers>((resolve) => (resolveConnected = resolve));
    const fetch: typeof globalThis.fetch = async (input, init) => {
      resolveConnected(new Request(input, init).headers);
      // An SSE stream that stays open without sending anything: the client waits for events.
      return new Response(new ReadableStream(), { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };
    const client = createDeliveryClient({ url: 'http://api.test', getToken: async () => 'live-token', fetch });
    const subscription = client.order.onStatusChange.subscribe({ orderId: placed.orderId, lastEventId: '0' }, { onData: () => {} });
    try {
      const headers = await connected;
      expect(headers.get('authorization')).toBe('Bearer live-token');
      expect(headers.get('accept')).toBe('text/event-stream');
    } finally {
      subscription.unsubscribe();
    }
  });
});
