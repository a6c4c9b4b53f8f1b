import { describe, expect, it } from 'vitest';
import { backoffDelayMs, wait } from './backoff';

describe('backoff', () => {
  it('starts at the first wait, doubles after each failure and stops at the cap', () => {
    const backoff = { initialMs: 200, maxMs: 5_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((retry) => backoffDelayMs(backoff, retry))).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('resolves false at once when the signal is aborted, and true when the time ran out', async () => {
    const stopping = new AbortController();
    const cut = wait(60_000, stopping.signal);
    stopping.abort();
    await expect(cut).resolves.toBe(false);
    await expect(wait(1_000, AbortSignal.abort())).resolves.toBe(false);
    await expect(wait(0)).resolves.toBe(true);
  });
});
