import { createTRPCClient, retryLink, TRPCClientError, type Operation, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import { idempotencyLink, randomIdempotencyKey } from './idempotency.link';
import type { AppRouter } from './router-types';

/** The end of the chain: records every operation it is given and fails the first `failures` of them. */
function recordingLink(failures = 0): { link: TRPCLink<AppRouter>; seen: Operation[] } {
  const seen: Operation[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        seen.push(op);
        if (seen.length <= failures) {
          observer.error(TRPCClientError.from(new Error('connection reset')));
        } else {
          observer.next({ result: { type: 'data', data: { orderId: 'o-1', status: 'pending', total: '1.00', version: 1 } } });
          observer.complete();
        }
        return () => {};
      });
  return { link, seen };
}

function keyOf(op: Operation | undefined): unknown {
  return (op?.input as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
}

const items = [{ kind: 'food' as const, id: 1, quantity: 1 }];

describe('idempotency link', () => {
  it('adds a new key to each order placement', async () => {
    let counter = 0;
    const { link, seen } = recordingLink();
    const client = createTRPCClient<AppRouter>({ links: [idempotencyLink(() => `key-${++counter}`), link] });
    await client.order.place.mutate({ items });
    await client.order.place.mutate({ items, email: 'a@example.com' });
    expect(seen.map(keyOf)).toEqual(['key-1', 'key-2']);
    expect(seen[1]?.input).toEqual({ items, email: 'a@example.com', idempotencyKey: 'key-2' });
  });

  it('keeps a key the caller gave', async () => {
    const { link, seen } = recordingLink();
    const client = createTRPCClient<AppRouter>({ links: [idempotencyLink(() => 'generated'), link] });
    await client.order.place.mutate({ items, idempotencyKey: 'mine' });
    expect(keyOf(seen[0])).toBe('mine');
  });

  it('leaves every other procedure alone', async () => {
    const { link, seen } = recordingLink();
    const client = createTRPCClient<AppRouter>({ links: [idempotencyLink(() => 'generated'), link] });
    await client.order.cancel.mutate({ orderId: 'o-1' });
    await client.menu.quote.query({ items });
    expect(seen.map((op) => op.input)).toEqual([{ orderId: 'o-1' }, { items }]);
  });

  it('sends the same key on every retry of one placement', async () => {
    let counter = 0;
    const { link, seen } = recordingLink(2);
    const client = createTRPCClient<AppRouter>({
      links: [idempotencyLink(() => `key-${++counter}`), retryLink({ retry: ({ attempts }) => attempts < 3 }), link],
    });
    await client.order.place.mutate({ items });
    expect(seen).toHaveLength(3);
    expect(seen.map(keyOf)).toEqual(['key-1', 'key-1', 'key-1']);
  });
});

describe('random idempotency key', () => {
  it('is a UUID where crypto.randomUUID exists', () => {
    expect(randomIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('falls back to 32 random hex digits without it, as on a browser page served over plain http', () => {
    const withoutUuid = { getRandomValues: (array: Uint8Array) => globalThis.crypto.getRandomValues(array) };
    const keys = [randomIdempotencyKey(withoutUuid), randomIdempotencyKey(withoutUuid)];
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).not.toBe(keys[0]);
  });
});
