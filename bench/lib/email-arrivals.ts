import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface EmailArrivals {
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  url: string;
  /** When each order's confirmation reached the SMTP server (on this process's performance.now() clock), by order id. */
  readonly arrivals: ReadonlyMap<string, number>;
  /** Resolves once `count` confirmations arrived, or after `timeoutMs`. */
  received(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./email-arrivals.child.ts', import.meta.url));

/**
 * An SMTP server for the email worker in a child process of its own, which stamps every confirmation as it
 * arrives: in the bench process, it answered SMTP commands only when the bench's event loop (placing orders,
 * polling the read model) got to them, and that delay was counted as the system's. The stamps are taken in the
 * child on the epoch clock both processes share, and moved onto this process's performance.now() here.
 */
export async function startEmailArrivals(): Promise<EmailArrivals> {
  // The same runtime flags as this process (tsx's loader), so the child runs TypeScript too.
  const child = spawn(process.execPath, [...process.execArgv, CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const arrivals = new Map<string, number>();
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error('the SMTP capture exited before it listened')));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as { url: string } | { orderId: string; receivedAt: number };
      if ('url' in parsed) {
        resolve(parsed.url);
        return;
      }
      if (!arrivals.has(parsed.orderId)) arrivals.set(parsed.orderId, parsed.receivedAt - performance.timeOrigin);
      for (const waiter of waiters) if (arrivals.size >= waiter.count) waiter.resolve();
    });
  });
  return {
    url,
    arrivals,
    received(count, timeoutMs) {
      if (arrivals.size >= count) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        };
        const waiter = { count, resolve: done };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
