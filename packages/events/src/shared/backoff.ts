/** Capped exponential backoff: the first wait, doubling after each failure, never longer than the cap. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/**
 * The wait before retry number `retry` (0 before the first): `initialMs * 2^retry`, at most `maxMs`.
 * @example await wait(backoffDelayMs({ initialMs: 250, maxMs: 5_000 }, attempt), signal);
 */
export function backoffDelayMs({ initialMs, maxMs }: Backoff, retry: number): number {
  // Past 20 doublings any sensible cap is reached; stopping there keeps the power finite.
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(retry, 0), 20));
}

/**
 * Waits `ms`, or less when `signal` aborts first. Never rejects: true when the whole time passed,
 * false when the signal cut it short (so a loop can stop without a try/catch).
 * @example if (!(await wait(delayMs, stopping.signal))) return;
 */
export function wait(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
