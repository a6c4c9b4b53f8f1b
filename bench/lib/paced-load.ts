import { fileURLToPath } from 'node:url';
import type { LoadResult } from './autocannon-runner';
import { runJsonChild } from './json-child';
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
  return runJsonChild<PacedLoadResult>([...process.execArgv, CHILD, JSON.stringify(options)], options.seconds * 1000 + options.warmupMs + 60_000);
}
