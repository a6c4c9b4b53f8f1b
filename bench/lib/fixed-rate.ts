import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FixedRateOptions<T> {
  /** Operations started per second, on a fixed schedule whatever the earlier ones take (open loop). */
  rate: number;
  durationMs: number;
  /** Past this many unsettled operations, a due start is skipped (and counted): the backlog stays bounded. */
  maxInFlight: number;
  /** `due` is when the schedule wanted it started (performance.now()), for latencies free of coordinated omission. */
  operation: (due: number) => Promise<T>;
  /** Called as each operation succeeds, with the time it settled (performance.now()). */
  onDone(value: T, settledAt: number): void;
}

export interface FixedRateResult {
  /** Starts the schedule asked for. */
  scheduled: number;
  started: number;
  /** Scheduled starts not made because `maxInFlight` operations were still running: the system fell behind. */
  skipped: number;
  succeeded: number;
  errors: number;
  firstError?: string;
  /** Succeeded operations per second, from the first start to the last settlement. */
  achievedRate: number;
  /** Starts more than 10 ms behind their schedule (a busy event loop). */
  late: number;
}

/**
 * Starts `rate` operations per second for `durationMs` on a fixed schedule (the i-th at start + i/rate),
 * without waiting for earlier ones, and resolves once every started one has settled. The schedule never
 * stretches: when the system falls behind, starts are skipped rather than queued, so the run ends on time.
 */
export async function runAtFixedRate<T>(options: FixedRateOptions<T>): Promise<FixedRateResult> {
  const { rate, durationMs, maxInFlight, operation, onDone } = options;
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const intervalMs = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  let succeeded = 0;
  let errors = 0;
  let late = 0;
  let skipped = 0;
  let firstError: string | undefined;
  const started = performance.now();
  let lastSettled = started;

  for (let index = 0; index < total; index++) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight.size >= maxInFlight) {
      skipped++;
      continue;
    }
    if (performance.now() - due > 10) late++;
    const running: Promise<void> = operation(due).then(
      (value) => {
        succeeded++;
        lastSettled = performance.now();
        onDone(value, lastSettled);
      },
      (error: unknown) => {
        errors++;
        lastSettled = performance.now();
        firstError ??= error instanceof Error ? error.message : String(error);
      },
    );
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
  }
  await Promise.all(inFlight);
  return {
    scheduled: total,
    started: total - skipped,
    skipped,
    succeeded,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    achievedRate: succeeded / (Math.max(1, lastSettled - started) / 1000),
    late,
  };
}
