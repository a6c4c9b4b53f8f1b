import type { TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';

const PLACE_ORDER_PATH = 'order.place';

/**
 * A random idempotency key: a UUID where `crypto.randomUUID` exists, else 32 random hex digits (browsers
 * expose `randomUUID` on https and localhost only, `getRandomValues` everywhere).
 */
export function randomIdempotencyKey(random: { getRandomValues(array: Uint8Array): Uint8Array; randomUUID?: () => string } = globalThis.crypto): string {
  if (random.randomUUID) return random.randomUUID();
  return Array.from(random.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function givenKey(input: object): unknown {
  return (input as { idempotencyKey?: unknown }).idempotencyKey;
}

/**
 * Gives every `order.place` call an `idempotencyKey` (unless the caller gave one) before any retry
 * happens, so a placement that is retried after a lost response returns the first order instead of
 * ordering twice. Put it before `retryLink`. `createDeliveryClient` already does.
 * @example
 * const trpc = createTRPCClient<AppRouter>({
 *   links: [idempotencyLink(() => crypto.randomUUID()), retryLink({ retry: () => true }), httpBatchLink({ url })],
 * });
 */
export function idempotencyLink<TRouter extends AnyRouter>(newKey: () => string): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) => {
      if (op.path !== PLACE_ORDER_PATH || op.type !== 'mutation') return next(op);
      const input = typeof op.input === 'object' && op.input !== null ? op.input : {};
      if (givenKey(input) !== undefined) return next(op);
      return next({ ...op, input: { ...input, idempotencyKey: newKey() } });
    };
}
