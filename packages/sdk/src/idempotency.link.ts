import type { TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';

const PLACE_ORDER_PATH = 'order.place';

function hasIdempotencyKey(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'idempotencyKey' in input;
}

/**
 * Gives every `order.place` call an `idempotencyKey` before any retry happens, so a placement that is
 * retried after a lost response returns the first order instead of ordering twice.
 * @example createTRPCClient({ links: [idempotencyLink(() => crypto.randomUUID()), httpBatchLink({ url })] })
 */
export function idempotencyLink<TRouter extends AnyRouter>(newKey: () => string): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) => {
      if (op.path !== PLACE_ORDER_PATH || op.type !== 'mutation' || hasIdempotencyKey(op.input)) return next(op);
      const input = typeof op.input === 'object' && op.input !== null ? op.input : {};
      return next({ ...op, input: { ...input, idempotencyKey: newKey() } });
    };
}
