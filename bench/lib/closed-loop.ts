import { performance } from 'node:perf_hooks';
import { type LatencySummary, summarizeLatencies } from './latency';
import type { BenchRow } from './scenario';

export interface ClosedLoopOptions {
  /** Workers, each with one operation in flight at a time. */
  concurrency: number;
  /** Measured time; operations started before the deadline are awaited and counted. */
  durationMs: number;
  /** Unmeasured time first (connections opened, caches and JIT warm). */
  warmupMs?: number;
  /** One operation of worker `worker` (0-based); `seq` counts that worker's operations from 0. */
  operation: (worker: number, seq: number) => Promise<void>;
}

export interface ClosedLoopResult extends LatencySummary {
  /** Completed operations per second over the measured time. */
  perSecond: number;
  elapsedMs: number;
  errors: number;
  firstError?: string;
  /** Every measured latency (ms), so rounds can be merged. */
  samples: number[];
}

/**
 * Runs `concurrency` workers back to back for a bounded time: each worker starts its next operation when
 * the last one settles, so the rate is what the system sustains at that many requests in flight.
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { concurrency, durationMs, warmupMs = 0, operation } = options;
  const seqs = new Array<number>(concurrency).fill(0);
  let errors = 0;
  let firstError: string | undefined;

  const loop = async (until: number, samples: number[] | null) => {
    await Promise.all(
      seqs.map(async (_, worker) => {
        while (performance.now() < until) {
          const seq = seqs[worker] ?? 0;
          seqs[worker] = seq + 1;
          const started = performance.now();
          try {
            await operation(worker, seq);
            samples?.push(performance.now() - started);
          } catch (error) {
            errors++;
            firstError ??= error instanceof Error ? error.message : String(error);
          }
        }
      }),
    );
  };

  if (warmupMs > 0) await loop(performance.now() + warmupMs, null);
  errors = 0;
  firstError = undefined;
  const samples: number[] = [];
  const started = performance.now();
  await loop(started + durationMs, samples);
  return resultOf(samples, performance.now() - started, errors, firstError);
}

/** One result out of several rounds of the same measurement: rate over their summed time, percentiles over all samples. */
export function mergeClosedLoop(results: readonly ClosedLoopResult[]): ClosedLoopResult {
  return resultOf(
    results.flatMap((result) => result.samples),
    results.reduce((sum, result) => sum + result.elapsedMs, 0),
    results.reduce((sum, result) => sum + result.errors, 0),
    results.find((result) => result.firstError !== undefined)?.firstError,
  );
}

const resultOf = (samples: number[], elapsedMs: number, errors: number, firstError: string | undefined): ClosedLoopResult => ({
  ...summarizeLatencies(samples),
  perSecond: samples.length / (elapsedMs / 1000),
  elapsedMs,
  errors,
  ...(firstError === undefined ? {} : { firstError }),
  samples,
});

/** A closed-loop measurement's row; `notes` and its first error, if any, in the note. */
export function closedLoopRow(
  subject: string,
  workload: string,
  concurrency: number,
  result: ClosedLoopResult,
  unit: string,
  notes: readonly (string | undefined)[] = [],
): BenchRow {
  const note = [...notes, result.firstError === undefined ? undefined : `first error: ${result.firstError}`].filter(Boolean).join('; ');
  return {
    subject,
    workload,
    concurrency,
    rate: result.perSecond,
    unit,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    count: result.count,
    errors: result.errors,
    ...(note ? { note } : {}),
  };
}
