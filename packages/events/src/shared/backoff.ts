/** Capped exponential backoff: the first wait, doubling after each failure, never longer than the cap. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/**
 * The wait before retry number `retry` (0 before the first): `initialMs * 2^retry`, at most `maxMs`.
 * @example await delay(backoffDelayMs({ initialMs: 250, maxMs: 5_000 }, attempt), signal).promise;
 */
export function backoffDelayMs({ initialMs, maxMs }: Backoff, retry: number): number {
  // Past 20 doublings any sensible cap is reached; stopping there keeps the power finite.
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(retry, 0), 20));
}

/**
 * A wait that ends early when `signal` aborts or `cancel()` is called, and never holds the process open after.
 * @example await delay(backoffDelayMs(backoff, attempt), stopping.signal).promise;
 */
export function delay(ms: number, signal?: AbortSignal): { promise: Promise<void>; cancel(): void } {
  let cancel!: () => void;
  const promise = new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
    if (signal?.aborted) done();
    cancel = done;
  });
  return { promise, cancel };
}
