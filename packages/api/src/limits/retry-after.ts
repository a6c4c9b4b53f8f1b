import type { TRPCError } from '@trpc/server';
import { RETRY_AFTER_SECONDS } from '../http/service-unavailable';
import { TooManyRequestsError } from './too-many-requests.error';

/** How long a client should wait before calling again: over a limit, or while a database is down (503); none otherwise. */
export function retryAfterSecondsOf(error: TRPCError): number | undefined {
  if (error.cause instanceof TooManyRequestsError) return error.cause.retryAfterSeconds;
  return error.code === 'SERVICE_UNAVAILABLE' ? RETRY_AFTER_SECONDS : undefined;
}

/** `Retry-After` for an answer that refused a call over a limit or while a database is down (the longest wait of a batch); none otherwise. */
export function retryAfterHeaders(errors: readonly TRPCError[]): Record<string, string> {
  const waits = errors.flatMap((error) => retryAfterSecondsOf(error) ?? []);
  return waits.length ? { 'retry-after': String(Math.max(...waits)) } : {};
}
