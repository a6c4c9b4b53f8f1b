import { RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { type SharedWindows, sharedWindowLimiter } from './shared-window-limiter';

/** Windows in memory, as the MySQL table keeps them, counting the statements each call would send. */
function memoryWindows(durationMs: number) {
  const rows = new Map<string, { points: number; expire: number }>();
  const calls = { add: [] as number[], endOf: 0 };
  let failing = false;
  const windows: SharedWindows = {
    async add(key, points, now) {
      await Promise.resolve();
      if (failing) throw new Error('MySQL is down');
      calls.add.push(points);
      const row = rows.get(key);
      const next = !row || row.expire <= now ? { points, expire: now + durationMs } : { points: row.points + points, expire: row.expire };
      rows.set(key, next);
      return next.points;
    },
    async endOf(key) {
      calls.endOf += 1;
      return rows.get(key)?.expire ?? null;
    },
  };
  return { windows, calls, rows, fail: (value: boolean) => (failing = value) };
}

const outcome = (promise: Promise<void>) =>
  promise.then(
    () => 'admitted' as const,
    (error: unknown) => error,
  );

function setup(options: { points: number; durationMs?: number; maxFullWindows?: number }) {
  const durationMs = options.durationMs ?? 60_000;
  const clock = { now: 1_000_000 };
  const store = memoryWindows(durationMs);
  const fallbacks: string[] = [];
  const limiter = sharedWindowLimiter({
    points: options.points,
    durationMs,
    windows: store.windows,
    fallback: async (key) => {
      fallbacks.push(key);
    },
    now: () => clock.now,
    ...(options.maxFullWindows ? { maxFullWindows: options.maxFullWindows } : {}),
  });
  return { limiter, store, clock, fallbacks };
}

describe('shared window limiter', () => {
  it('admits one by one up to the limit, then refuses saying how long until the window ends', async () => {
    const { limiter, clock } = setup({ points: 2 });
    await expect(limiter.consume('alice')).resolves.toBeUndefined();
    clock.now += 10_000;
    await expect(limiter.consume('alice')).resolves.toBeUndefined();
    clock.now += 5_000;
    const refused = await outcome(limiter.consume('alice'));
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).msBeforeNext).toBe(45_000);
    await expect(limiter.consume('bob')).resolves.toBeUndefined();
  });

  it('sends consumptions of one key that arrive together in one statement, admitting exactly as many as the limit', async () => {
    const { limiter, store } = setup({ points: 5 });
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => outcome(limiter.consume('alice'))));
    expect(outcomes.filter((result) => result === 'admitted')).toHaveLength(5);
    // Arrival order: the first five in, the last three out.
    expect(outcomes.slice(0, 5).every((result) => result === 'admitted')).toBe(true);
    expect(outcomes.slice(5).every((result) => result instanceof RateLimiterRes)).toBe(true);
    expect(store.calls.add).toEqual([1, 7]);
    expect(store.rows.get('alice')?.points).toBe(8);
  });

  it('counts what other processes added to the window', async () => {
    const { limiter, store, clock } = setup({ points: 3 });
    store.rows.set('alice', { points: 2, expire: clock.now + 30_000 });
    const outcomes = await Promise.all([outcome(limiter.consume('alice')), outcome(limiter.consume('alice'))]);
    expect(outcomes[0]).toBe('admitted');
    expect(outcomes[1]).toBeInstanceOf(RateLimiterRes);
  });

  it('refuses a full window in memory until it ends, then asks the store again and admits in the new window', async () => {
    const { limiter, store, clock } = setup({ points: 1 });
    await limiter.consume('alice');
    await expect(outcome(limiter.consume('alice'))).resolves.toBeInstanceOf(RateLimiterRes);
    const statements = store.calls.add.length + store.calls.endOf;
    clock.now += 59_000;
    const refused = await outcome(limiter.consume('alice'));
    expect((refused as RateLimiterRes).msBeforeNext).toBe(1_000);
    expect(store.calls.add.length + store.calls.endOf).toBe(statements);
    clock.now += 1_000;
    await expect(limiter.consume('alice')).resolves.toBeUndefined();
    expect(store.calls.add.length).toBe(3);
  });

  it('forgets the oldest full window past its bound, which then costs a statement again and is refused all the same', async () => {
    const { limiter, store } = setup({ points: 1, maxFullWindows: 1 });
    for (const key of ['alice', 'bob']) {
      await limiter.consume(key);
      await outcome(limiter.consume(key));
    }
    const before = store.calls.add.length;
    await expect(outcome(limiter.consume('bob'))).resolves.toBeInstanceOf(RateLimiterRes);
    expect(store.calls.add.length).toBe(before);
    await expect(outcome(limiter.consume('alice'))).resolves.toBeInstanceOf(RateLimiterRes);
    expect(store.calls.add.length).toBe(before + 1);
  });

  it('counts in this process alone while the store fails, and in the store again once it answers', async () => {
    const { limiter, store, fallbacks } = setup({ points: 5 });
    store.fail(true);
    await Promise.all([limiter.consume('alice'), limiter.consume('alice')]);
    expect(fallbacks).toEqual(['alice', 'alice']);
    store.fail(false);
    await limiter.consume('alice');
    expect(fallbacks).toHaveLength(2);
    expect(store.rows.get('alice')?.points).toBe(1);
  });
});
