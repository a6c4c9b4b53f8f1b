import { TRPCClientError } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { retryDelay, shouldRetry } from './retry-policy';

type Op = { type: 'query' | 'mutation' | 'subscription'; path: string; signal: AbortSignal | null };

const query: Op = { type: 'query', path: 'order.get', signal: null };
const placeOrder: Op = { type: 'mutation', path: 'order.place', signal: null };

/** An error as the client builds it from an answer with this tRPC code (none: the network failed). */
function errorWithCode(code?: string): TRPCClientError<AnyRouter> {
  if (!code) return TRPCClientError.from(new TypeError('fetch failed'));
  return TRPCClientError.from({ error: { message: code, code: -32000, data: { code, httpStatus: 500 } } });
}

const decide = (op: Op, code: string | undefined, attempts = 1, maxAttempts = 3) => shouldRetry({ op, error: errorWithCode(code), attempts }, maxAttempts);

describe('retry policy', () => {
  describe('for a query', () => {
    it('retries a network failure, a 429 and a 5xx', () => {
      expect([undefined, 'TOO_MANY_REQUESTS', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'].map((code) => decide(query, code))).toEqual([
        true,
        true,
        true,
        true,
      ]);
    });

    it('does not retry an answer that would come again', () => {
      for (const code of ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE']) {
        expect(decide(query, code), code).toBe(false);
      }
    });

    it('stops once the attempts are used up', () => {
      expect(decide(query, undefined, 2, 3)).toBe(true);
      expect(decide(query, undefined, 3, 3)).toBe(false);
      expect(decide(query, undefined, 1, 1)).toBe(false);
    });

    it('does not retry a cancelled call', () => {
      const controller = new AbortController();
      controller.abort();
      expect(decide({ ...query, signal: controller.signal }, undefined)).toBe(false);
    });
  });

  describe('for a mutation', () => {
    it('retries order.place, which carries an idempotency key', () => {
      expect(decide(placeOrder, undefined)).toBe(true);
      expect(decide(placeOrder, 'SERVICE_UNAVAILABLE')).toBe(true);
      expect(decide(placeOrder, 'BAD_REQUEST')).toBe(false);
    });

    it('never retries any other change of state', () => {
      for (const path of ['order.cancel', 'order.accept', 'order.markDelivered', 'menu.food.create']) {
        expect(decide({ type: 'mutation', path, signal: null }, undefined), path).toBe(false);
      }
    });
  });

  it('leaves subscriptions to reconnect on their own', () => {
    expect(decide({ type: 'subscription', path: 'order.onStatusChange', signal: null }, undefined)).toBe(false);
  });

  describe('delay', () => {
    it('doubles with each attempt between half and all of the step, capped at five seconds', () => {
      expect([1, 2, 3].map((attempt) => retryDelay(attempt, 200, () => 1))).toEqual([200, 400, 800]);
      expect([1, 2, 3].map((attempt) => retryDelay(attempt, 200, () => 0))).toEqual([100, 200, 400]);
      expect(retryDelay(20, 200, () => 1)).toBe(5_000);
    });
  });
});
