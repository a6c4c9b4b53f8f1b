import type { Logger } from '@delivery/events';

/** One thing `/readyz` checks: resolves when reachable, throws (or times out) when not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'down'>;
}

/**
 * Runs every check at once, each bounded by `timeoutMs` so a hung dependency answers "down" instead of
 * hanging the probe. Why a check failed goes to the log, not to the (unauthenticated) response.
 */
export async function checkReadiness(checks: readonly ReadinessCheck[], options: { timeoutMs: number; logger: Logger }): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), options.timeoutMs, `${name} did not answer within ${options.timeoutMs} ms`);
        return [name, 'ok'] as const;
      } catch (error) {
        options.logger.warn({ check: name, err: error }, 'readiness check failed');
        return [name, 'down'] as const;
      }
    }),
  );
  return { ready: results.every(([, status]) => status === 'ok'), checks: Object.fromEntries(results) };
}

/** Rejects with `message` when `promise` has not settled within `timeoutMs` (which is left to settle on its own). */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
