import { RateLimiterRes } from 'rate-limiter-flexible';

/** Fixed windows counted where every API process sees them (MySQL: rate-limit.repository.ts). */
export interface SharedWindows {
  /**
   * Adds `points` to the key's window, first starting a new one when the stored one ended by `now` (epoch
   * ms); answers the window's count after the addition.
   */
  add(key: string, points: number, now: number): Promise<number>;
  /** When the key's window ends (epoch ms); null when there is none. */
  endOf(key: string): Promise<number | null>;
}

export interface SharedWindowLimiterOptions {
  /** Consumptions a window admits. */
  points: number;
  durationMs: number;
  windows: SharedWindows;
  /** Counts one consumption while the shared windows fail (this process alone); rejects with a RateLimiterRes when full. */
  fallback(key: string): Promise<unknown>;
  now?: () => number;
  /** Full windows remembered in this process at most (the oldest is forgotten first). */
  maxFullWindows?: number;
}

export interface SharedWindowLimiter {
  /**
   * Counts one consumption for `key`; resolves when the window admits it.
   * @throws RateLimiterRes (its `msBeforeNext` says when the window ends) when the window is full.
   */
  consume(key: string): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
}

/**
 * A fixed-window limit shared by every process, in as few round trips as it can be exact with:
 * - consumptions of one key that arrive while its previous statement runs wait and go together in the next
 *   one (adding their number at once), then are admitted in arrival order up to the limit, exactly as many
 *   as one-by-one consumption would admit;
 * - a window the store said is full is refused in memory until it ends: counts only grow within a window,
 *   so no other process can make room in it before then.
 * @example const limiter = sharedWindowLimiter({ points: 30, durationMs: 60_000, windows, fallback });
 */
export function sharedWindowLimiter(options: SharedWindowLimiterOptions): SharedWindowLimiter {
  const now = options.now ?? Date.now;
  const maxFullWindows = options.maxFullWindows ?? 10_000;
  /** Consumptions waiting for the next statement of their key. */
  const waiting = new Map<string, Waiter[]>();
  /** Keys with a statement running. */
  const running = new Set<string>();
  /** Keys whose window is full, until when (epoch ms); insertion order is age. */
  const fullUntil = new Map<string, number>();

  const refusal = (msBeforeNext: number, consumed: number) => new RateLimiterRes(0, Math.max(0, msBeforeNext), consumed, false);

  function rememberFull(key: string, end: number): void {
    fullUntil.delete(key);
    fullUntil.set(key, end);
    if (fullUntil.size > maxFullWindows) fullUntil.delete(fullUntil.keys().next().value as string);
  }

  async function settle(key: string, batch: readonly Waiter[]): Promise<void> {
    let count: number;
    try {
      count = await options.windows.add(key, batch.length, now());
    } catch {
      for (const waiter of batch) options.fallback(key).then(() => waiter.resolve(), waiter.reject);
      return;
    }
    const before = count - batch.length;
    const admitted = Math.max(0, Math.min(batch.length, options.points - before));
    for (const waiter of batch.slice(0, admitted)) waiter.resolve();
    if (admitted === batch.length) return;
    const end = await options.windows.endOf(key).catch(() => null);
    const at = now();
    if (end !== null && end > at) rememberFull(key, end);
    const refused = refusal(end === null ? options.durationMs : end - at, count);
    for (const waiter of batch.slice(admitted)) waiter.reject(refused);
  }

  async function drain(key: string): Promise<void> {
    running.add(key);
    try {
      for (let batch = waiting.get(key); batch; batch = waiting.get(key)) {
        waiting.delete(key);
        // A waiter settled already ignores this; the others must not wait for ever.
        await settle(key, batch).catch((error: unknown) => {
          for (const waiter of batch) waiter.reject(error);
        });
      }
    } finally {
      running.delete(key);
    }
  }

  return {
    consume(key) {
      const end = fullUntil.get(key);
      if (end !== undefined) {
        const at = now();
        if (end > at) return Promise.reject(refusal(end - at, options.points));
        fullUntil.delete(key);
      }
      return new Promise<void>((resolve, reject) => {
        const queue = waiting.get(key);
        if (queue) queue.push({ resolve, reject });
        else waiting.set(key, [{ resolve, reject }]);
        if (!running.has(key)) void drain(key);
      });
    },
  };
}
