import { describe, expect, it } from 'vitest';
import { backoffDelayMs, delay } from './backoff';

describe('backoff', () => {
  it('starts at the first wait, doubles after each failure and stops at the cap', () => {
    const backoff = { initialMs: 200, maxMs: 5_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((retry) => backoffDelayMs(backoff, retry))).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('ends a wait early when its signal aborts or it is cancelled', async () => {
    const stopping = new AbortController();
    const cut = delay(60_000, stopping.signal);
    stopping.abort();
    await expect(cut.promise).resolves.toBeUndefined();
    await expect(delay(60_000, AbortSignal.abort()).promise).resolves.toBeUndefined();
    const cancelled = delay(60_000);
    cancelled.cancel();
    await expect(cancelled.promise).resolves.toBeUndefined();
  });
});
