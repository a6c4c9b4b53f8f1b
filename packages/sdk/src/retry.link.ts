import { TRPCClientError, type Operation, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { isUnauthorized, retryDelay, shouldRetry } from './retry-policy';

/** Set on the repeat of a call the API refused with UNAUTHORIZED: `getToken` is asked for a fresh token. */
export const REFRESH_TOKEN_CONTEXT_KEY = 'refreshToken';

export interface RetryLinkPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** True when a new token can be had (`getToken`): a 401 is then repeated once with a fresh one. */
  canRefreshToken: boolean;
}

function abortError(signal: AbortSignal): TRPCClientError<AnyRouter> {
  const reason: unknown = signal.reason;
  return TRPCClientError.from(reason instanceof Error ? reason : new DOMException('The operation was aborted.', 'AbortError'));
}

/**
 * Retries as `shouldRetry` says, waiting `retryDelay` between attempts; unlike tRPC's own retryLink, an
 * abort during that wait rejects at once instead of when the wait ends. A call refused with UNAUTHORIZED
 * is repeated once, at once, with `context.refreshToken` set so that `getToken` fetches a new token.
 * Subscriptions pass through: they reconnect on their own and resume from their last event id.
 * @example createTRPCClient<AppRouter>({ links: [deliveryRetryLink({ maxAttempts: 3, baseDelayMs: 200, canRefreshToken: false }), httpBatchLink({ url })] });
 */
export function deliveryRetryLink<TRouter extends AnyRouter>(policy: RetryLinkPolicy): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) => {
      if (op.type === 'subscription') return next(op);
      return observable((observer) => {
        let current: Unsubscribable | undefined;
        let attemptId = 0;
        let disposed = false;
        let tokenRefreshed = false;
        let waitTimer: ReturnType<typeof setTimeout> | undefined;
        const signal = op.signal ?? undefined;

        const abortWait = () => {
          clearTimeout(waitTimer);
          if (!disposed && signal) observer.error(abortError(signal));
        };

        const waitThen = (delayMs: number, then: () => void) => {
          if (signal?.aborted) return abortWait();
          signal?.addEventListener('abort', abortWait, { once: true });
          waitTimer = setTimeout(() => {
            signal?.removeEventListener('abort', abortWait);
            then();
          }, delayMs);
        };

        const attempt = (attempts: number, attemptOp: Operation) => {
          if (disposed) return;
          const id = ++attemptId;
          const subscription = next(attemptOp).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              if (disposed) return;
              if (policy.canRefreshToken && !tokenRefreshed && isUnauthorized(error) && !signal?.aborted) {
                tokenRefreshed = true;
                attempt(attempts, { ...op, context: { ...op.context, [REFRESH_TOKEN_CONTEXT_KEY]: true } });
                return;
              }
              if (!shouldRetry({ op, error, attempts }, policy.maxAttempts)) {
                observer.error(error);
                return;
              }
              waitThen(retryDelay(attempts, policy.baseDelayMs), () => attempt(attempts + 1, attemptOp));
            },
          });
          // A synchronous error may already have started the next attempt.
          if (disposed) subscription.unsubscribe();
          else if (id === attemptId) current = subscription;
        };

        attempt(1, op);
        return () => {
          disposed = true;
          clearTimeout(waitTimer);
          signal?.removeEventListener('abort', abortWait);
          current?.unsubscribe();
        };
      });
    };
}
