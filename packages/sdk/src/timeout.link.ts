import { TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';

/**
 * A call that got no answer within its time limit (`timeoutMs`). Found as the `cause` of the client's error.
 * @example if (clientFailureOf(error) === 'timeout') showRetryButton();
 */
export class DeliveryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeliveryTimeoutError';
  }
}

/** The per-call limit a caller passes as `{ context: { timeoutMs } }`, when it is a usable number. */
function timeoutFromContext(context: Record<string, unknown>): number | undefined {
  const value = context.timeoutMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Bounds every query and mutation, retries included: after `timeoutMs` (or the call's own
 * `context.timeoutMs`; 0 means no limit) the call is aborted and rejects with a `DeliveryTimeoutError` cause.
 * Subscriptions are long-lived by design and are not bounded. Put it before the retry link.
 * @example client.order.get.query({ orderId }, { context: { timeoutMs: 2_000 } });
 */
export function timeoutLink<TRouter extends AnyRouter>(defaultTimeoutMs: number): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) => {
      const timeoutMs = timeoutFromContext(op.context) ?? defaultTimeoutMs;
      if (op.type === 'subscription' || timeoutMs === 0) return next(op);
      return observable((observer) => {
        const controller = new AbortController();
        const forwardAbort = () => controller.abort(op.signal?.reason);
        if (op.signal?.aborted) forwardAbort();
        else op.signal?.addEventListener('abort', forwardAbort, { once: true });
        const timer = setTimeout(() => {
          const error = new DeliveryTimeoutError(timeoutMs);
          controller.abort(error);
          observer.error(TRPCClientError.from(error));
          subscription.unsubscribe();
        }, timeoutMs);
        const stop = () => {
          clearTimeout(timer);
          op.signal?.removeEventListener('abort', forwardAbort);
        };
        const subscription = next({ ...op, signal: controller.signal }).subscribe({
          next: (value) => observer.next(value),
          error: (error) => {
            stop();
            observer.error(error);
          },
          complete: () => {
            stop();
            observer.complete();
          },
        });
        return () => {
          stop();
          subscription.unsubscribe();
        };
      });
    };
}
