import { dependencyFailureOf } from '@delivery/events';
import { TRPCError } from '@trpc/server';

/** What `Retry-After` says while a database is down: long enough not to hammer it, short enough to notice its return. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A call that failed because a database (or another service the API needs) is down, as the 503 a client
 * should retry; null for any other error. Which service is down is for `/readyz` and the logs, not the answer.
 * @example const unavailable = serviceUnavailableError(cause); if (unavailable) throw unavailable;
 */
export function serviceUnavailableError(cause: unknown): TRPCError | null {
  const failure = dependencyFailureOf(cause);
  if (!failure) return null;
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: `the service is temporarily unavailable; retry in ${RETRY_AFTER_SECONDS} s`,
    cause,
  });
}
