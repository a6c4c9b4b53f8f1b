import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './autocannon-runner';
import { assertLoopback } from './throwaway-databases';

export interface PacedLoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  /** Measured seconds, after `warmupMs` of the same load unmeasured. */
  seconds: number;
  warmupMs: number;
  /** Requests awaiting an answer beyond which a due one is skipped and counted as an error. */
  maxInFlight: number;
}

export interface PacedLoadResult extends LoadResult {
  skipped: number;
  firstError?: string;
}

const CHILD = fileURLToPath(new URL('./paced-load.child.ts', import.meta.url));

/**
 * POSTs at a fixed rate, one request every 1/rate s (not autocannon's per-second bursts), from a child
 * process so that the load does not share the server's event loop. Latencies count from when each request
 * was due, so a late start (a busy client or server) is not hidden (no coordinated omission).
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  assertLoopback(options.url);
  // The same runtime flags as this process (tsx's loader), so the child runs TypeScript too.
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.seconds * 1000 + options.warmupMs + 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(killer));
  const last = Buffer.concat(stdout).toString('utf8').trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`paced load exited with ${String(code)}: ${Buffer.concat(stderr).toString('utf8').slice(-500)}`);
  }
  return JSON.parse(last) as PacedLoadResult;
}
