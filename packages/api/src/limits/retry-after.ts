import type { TRPCError } from '@trpc/server';
import { TooManyRequestsError } from './too-many-requests.error';

/** `Retry-After` for an answer that refused a call over a limit (the longest wait of a batch); none otherwise. */
export function retryAfterHeaders(errors: readonly TRPCError[]): Record<string, string> {
  const waits = errors.flatMap((error) => (error.cause instanceof TooManyRequestsError ? [error.cause.retryAfterSeconds] : []));
  return waits.length ? { 'retry-after': String(Math.max(...waits)) } : {};
}
