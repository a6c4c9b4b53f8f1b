import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Result } from 'autocannon';
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
 * child process, so the load generator does not share the event loop (or the resident memory) of the
 * server it loads, which lives in this process. For a fixed rate see `runPacedLoad`. The child is ours
 * alone and is killed if it outlives its run by 30 s.
 */
export async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  const args = [autocannonCli, '--json', '--no-progress', '-c', String(options.connections), '-d', String(options.seconds), '-m', options.method];
  // autocannon splits `-H name=value` at the first `=`; header names never contain one.
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  if (options.body !== undefined) args.push('-b', options.body);
  args.push(options.url);

  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), (options.seconds + 30) * 1000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(killer));

  const lines = Buffer.concat(stdout).toString('utf8').trim().split('\n');
  const last = lines.at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`autocannon exited with ${String(code)}: ${Buffer.concat(stderr).toString('utf8').slice(-500) || last.slice(-500)}`);
  }
  const result = JSON.parse(last) as Pick<Result, 'latency' | 'duration' | 'errors' | 'timeouts' | 'non2xx' | '2xx'>;
  return {
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    count: result['2xx'],
    // autocannon counts a timeout among the errors as well.
    errors: result.non2xx + result.errors,
    seconds: result.duration,
  };
}
