import type { Operation, TRPCClientError } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { DeliveryTimeoutError } from './timeout.link';
import { DeliveryTokenError } from './token-source';

/**
 * How hard the client retries queries and `order.place` after a network error, a 429 or a 5xx.
 * @example createDeliveryClient({ url, token, retry: { attempts: 5, baseDelayMs: 100 } });
 * @example createDeliveryClient({ url, token, retry: { attempts: 1 } }); // never retry
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 turns retries off). */
  attempts?: number;
  /** Delay before the first retry in ms, doubled each time, with jitter, at most 5 s (default 200). */
  baseDelayMs?: number;
}

const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'TOO_MANY_REQUESTS',
  'INTERNAL_SERVER_ERROR',
  'BAD_GATEWAY',
  'SERVICE_UNAVAILABLE',
  'GATEWAY_TIMEOUT',
  'TIMEOUT',
]);
const MAX_DELAY_MS = 5_000;

/**
 * Queries are retried, and so is `order.place` (it carries an idempotency key); other mutations are not,
 * because repeating a state change the server may already have made is the caller's decision (their
 * `expectedVersion` and `conflictOf` make that safe). Subscriptions reconnect on their own. A cancelled
 * call is never retried, nor is an answer that would be the same the next time (bad input, not found...).
 * @example retryLink({ retry: (attempt) => shouldRetry(attempt, 3), retryDelayMs: (n) => retryDelay(n, 200) })
 */
export function shouldRetry(
  options: { op: Pick<Operation, 'type' | 'path' | 'signal'>; error: TRPCClientError<AnyRouter>; attempts: number },
  maxAttempts: number,
): boolean {
  if (options.attempts >= maxAttempts || options.op.signal?.aborted) return false;
  const safeToRepeat = options.op.type === 'query' || (options.op.type === 'mutation' && options.op.path === 'order.place');
  if (!safeToRepeat) return false;
  // A failing getToken or a spent time limit would fail the same way again.
  if (options.error.cause instanceof DeliveryTokenError || options.error.cause instanceof DeliveryTimeoutError) return false;
  const code: unknown = options.error.data?.code;
  // No code means the request never got a tRPC answer: a network error or a proxy's non-JSON reply.
  return code === undefined || (typeof code === 'string' && RETRYABLE_CODES.has(code));
}

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential from `baseDelayMs`, capped at
 * 5 s, with jitter so that many clients failing together do not retry together.
 * @example retryDelay(3, 200); // between 400 and 800 ms
 */
export function retryDelay(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const exponential = baseDelayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(exponential, MAX_DELAY_MS) * (0.5 + random() / 2);
}

/** The API refused the call's token (expired, revoked, signed with another secret). */
export function isUnauthorized(error: TRPCClientError<AnyRouter>): boolean {
  return error.data?.code === 'UNAUTHORIZED';
}
