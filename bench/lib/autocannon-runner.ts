import { createRequire } from 'node:module';
import type { Result } from 'autocannon';
import { runJsonChild } from './json-child';
import { assertLoopback } from './throwaway-databases';

export interface LoadOptions {
  url: string;
  /** Connections kept open, each with one request in flight (closed loop). */
  connections: number;
  /** Whole seconds of load (autocannon's resolution). */
  seconds: number;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** 2xx responses. */
  count: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  errors: number;
  seconds: number;
}

const autocannonCli = createRequire(import.meta.url).resolve('autocannon');

/**
 * Runs autocannon closed-loop (each connection sends its next request when the last is answered) in a
 * child process, killed if it outlives its run by 30 s. For a fixed rate see `runPacedLoad`.
 */
export async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  const args = [autocannonCli, '--json', '--no-progress', '-c', String(options.connections), '-d', String(options.seconds), '-m', options.method];
  // autocannon splits `-H name=value` at the first `=`; header names never contain one.
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  if (options.body !== undefined) args.push('-b', options.body);
  args.push(options.url);

  const result = await runJsonChild<Pick<Result, 'latency' | 'duration' | 'errors' | 'timeouts' | 'non2xx' | '2xx'>>(args, (options.seconds + 30) * 1000);
  return {
    perSecond: result['2xx'] / result.duration,
    // autocannon reports null latencies when no request was answered in the run (a starved server).
    p50Ms: result.latency.p50 ?? Number.NaN,
    p99Ms: result.latency.p99 ?? Number.NaN,
    maxMs: result.latency.max ?? Number.NaN,
    count: result['2xx'],
    // autocannon counts a timeout among the errors as well.
    errors: result.non2xx + result.errors,
    seconds: result.duration,
  };
}
