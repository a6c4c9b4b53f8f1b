import type { Operation, TRPCClientError } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** Delay before the first retry in ms, doubled each time (default 200). */
  baseDelayMs?: number;
}

const RETRYABLE_CODES = new Set(['TOO_MANY_REQUESTS', 'INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT']);

/**
 * Queries are retried, and so is `order.place` (it carries an idempotency key); other mutations are not,
 * because repeating a state change the server may already have made is the caller's decision.
 */
export function shouldRetry(
  options: { op: Operation; error: TRPCClientError<AnyRouter>; attempts: number },
  maxAttempts: number,
): boolean {
  if (options.attempts >= maxAttempts || options.op.signal?.aborted) return false;
  const safeToRepeat = options.op.type === 'query' || options.op.path === 'order.place';
  if (!safeToRepeat) return false;
  const code = options.error.data?.code;
  // No code means the request never got a tRPC answer: a network error or a proxy's non-JSON reply.
  return code === undefined || RETRYABLE_CODES.has(code);
}

export function retryDelay(attempt: number, baseDelayMs: number): number {
  const exponential = baseDelayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(exponential, 5_000) * (0.5 + Math.random() / 2);
}
