import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@delivery/api';
import { capturedEmailOf, type CapturedEmail } from '@delivery/workers/testing';
import { freePort } from '@delivery/events/testing';
import { startManagedProcess, type ManagedProcess } from './managed-process';
import { testedNodeArgs } from './tested-code';
import { waitUntilReady } from './wait-until-ready';

const START_ALL = [...testedNodeArgs('cli'), 'start', 'all'];
const AUTH_SECRET = 'e2e-secret-of-at-least-thirty-two-characters';

export interface RunningEmbeddedProcess {
  apiUrl: string;
  dataDir: string;
  /** The environment it runs with: give it to `runCli` to reach this system. */
  env: Record<string, string>;
  process: ManagedProcess;
  customerToken(sub: string, email?: string): Promise<string>;
  adminToken(): Promise<string>;
  /** Resolves with every email kept so far (oldest first) once at least `count` are, read through `/dev/mail`. */
  waitForEmails(count: number): Promise<CapturedEmail[]>;
  /** Starts the process again on the same data folder (after `stop` or a kill). */
  restart(): Promise<void>;
  /** Starts another process on the same data folder and port, without waiting for it. */
  startAnother(): ManagedProcess;
  /** Ends the process (by its pid); `removeData` also deletes the data folder. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

/**
 * `pnpm delivery start all` in embedded mode as a separate process, on a data folder of this test's own
 * and a free loopback port: no database, broker or mail server involved.
 * @example const system = await startEmbeddedProcess({ deliveryDelayMs: 300 });
 */
export async function startEmbeddedProcess(options: { deliveryDelayMs: number }): Promise<RunningEmbeddedProcess> {
  const [dataDir, port] = await Promise.all([mkdtemp(join(tmpdir(), 'delivery-embedded-')), freePort()]);
  const apiUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DELIVERY_MODE: 'embedded',
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    MAIL_FROM: 'orders@delivery.test',
    AUTH_SECRET,
    PORT: String(port),
    PUBLIC_URL: apiUrl,
    DELIVERY_DELAY_MS: String(options.deliveryDelayMs),
    // Scenarios place many orders as one customer in a few seconds; the limits have tests of their own.
    ORDER_RATE_LIMIT: '10000',
  };
  let current: ManagedProcess;
  const start = async () => {
    current = startManagedProcess('embedded', START_ALL, env);
    await waitUntilReady(apiUrl, current);
  };
  await start();

  return {
    apiUrl,
    dataDir,
    env,
    get process() {
      return current;
    },
    customerToken: (sub, email = `${sub}@example.com`) => signToken(AUTH_SECRET, { sub, role: 'customer', email }, '1h'),
    adminToken: () => signToken(AUTH_SECRET, { sub: 'admin-e2e', role: 'admin' }, '1h'),
    async waitForEmails(count) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { emails } = (await (await fetch(`${apiUrl}/dev/mail`, { headers: { accept: 'application/json' } })).json()) as {
          emails: { name: string; to: string | null }[];
        };
        if (emails.length >= count) {
          const oldestFirst = emails.reverse();
          return Promise.all(
            oldestFirst.map(async ({ name, to }) => {
              const raw = Buffer.from(await (await fetch(`${apiUrl}/dev/mail/${name}`)).arrayBuffer());
              return capturedEmailOf(raw, { from: null, to: to ? [to] : [] });
            }),
          );
        }
        if (Date.now() > deadline) throw new Error(`${emails.length} of ${count} emails kept after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    restart: start,
    startAnother: () => startManagedProcess('embedded-2', START_ALL, env),
    async stop({ removeData = true } = {}) {
      await current.kill('SIGTERM');
      if (removeData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
