import { performance } from 'node:perf_hooks';
import { runAtFixedRate } from './fixed-rate';
import { httpPost } from './http-post';
import { summarizeLatencies } from './latency';
import type { PacedLoadOptions, PacedLoadResult } from './paced-load';

/*
 * The child process of `runPacedLoad`: sends POSTs evenly spaced at the rate, each timed from when it
 * was due, and prints one JSON line with the summary. Started by the bench only.
 */

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '') as PacedLoadOptions;
  const send = async (due: number): Promise<number> => {
    const { status } = await httpPost(options.url, options.headers, options.body);
    if (status < 200 || status > 299) throw new Error(`answered ${status}`);
    return performance.now() - due;
  };
  const run = (durationMs: number, latencies: number[] | null) =>
    runAtFixedRate({
      rate: options.rate,
      durationMs,
      maxInFlight: options.maxInFlight,
      operation: send,
      onDone: (latency) => latencies?.push(latency),
    });

  // Unmeasured first: connections opened, the server's caches and JIT warm.
  if (options.warmupMs > 0) await run(options.warmupMs, null);
  const latencies: number[] = [];
  const result = await run(options.seconds * 1000, latencies);
  const summary = summarizeLatencies(latencies);
  const output: PacedLoadResult = {
    perSecond: result.achievedRate,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    maxMs: summary.maxMs,
    count: result.succeeded,
    errors: result.errors + result.skipped,
    seconds: options.seconds,
    skipped: result.skipped,
    ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
