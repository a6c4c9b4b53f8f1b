import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { signToken } from '@delivery/api';
import { buildIfStale, entryPointOf, type ProcessName } from '@delivery/cli/entry-points';
import { waitUntilReady } from '@delivery/cli/testing';
import { freePort } from '@delivery/events/testing';
import { type EmailArrivals, startEmailArrivals } from './email-arrivals';
import { type OrderPlaceRequest, orderPlaceRequest } from './order-place-client';
import type { ScenarioContext } from './scenario';
import { type ProcessFolder, processFolder, type SystemProcess, startNodeProcess } from './system-process';

export type Code = 'source' | 'built';
export type WorkerName = Exclude<ProcessName, 'api'>;
export const WORKERS: readonly WorkerName[] = ['relay', 'projection', 'email', 'vendor'];
const KINDS: readonly ProcessName[] = ['api', ...WORKERS];
export const RUNNER: Record<Code, string> = { source: 'node --import tsx (sources)', built: 'node on dist/ (built)' };

export interface SystemOptions {
  /** Prefix of its temporary folder. */
  label: string;
  code: Code;
  /** The workers beside the API; none for the API alone. */
  workers: readonly WorkerName[];
  /** An SMTP server for the email worker (a process of its own) that stamps each confirmation's arrival. */
  smtp?: boolean;
  /** How long the vendor worker waits between accepting and delivering an order. */
  deliveryDelayMs?: number;
}

export interface RunningSystem {
  env: Record<string, string>;
  authSecret: string;
  folder: ProcessFolder;
  mysqlUrl: string;
  emails?: EmailArrivals;
  /** From spawning the first API to its /readyz answering (it migrates and seeds first). */
  apiReadyMs: number;
  /** One `order.place` request per API: spread the load over them in turn. */
  place: OrderPlaceRequest[];
  /** Every running process: `api`, `relay`, …, and `api 2`, `relay 2`, … once scaled to two of each. */
  processes(): SystemProcess[];
  /** Pids by process name, to track them. */
  pids(): Record<string, number>;
  /** Starts a second API (its own port) and a second process of each worker, on the same databases and vhost. */
  scaleToTwo(): Promise<void>;
  /**
   * Stops every process of one kind and starts one (or as many as there were) anew with extra environment
   * and node flags: another relay setting, a traced process for a profiled pass.
   */
  replace(name: ProcessName, extra?: { env?: Record<string, string>; nodeArgs?: readonly string[]; single?: boolean }): Promise<SystemProcess[]>;
}

/** The scenarios place every order as one customer, as fast as they can: the per-customer limit would be the figure. */
export const NO_ORDER_RATE_LIMIT = { ORDER_RATE_LIMIT: '1000000000' };

let built = false;

/** Builds what is stale (`scripts/build-if-stale.mjs`), once per run, before any built process starts. */
export function ensureBuilt(): void {
  if (built) return;
  buildIfStale();
  built = true;
}

/**
 * The one setup of the scenarios that run the system: throwaway MariaDB and PostgreSQL databases and a
 * RabbitMQ vhost, the API and the named workers each a process of its own from its real entry point
 * (the environment of the end-to-end harness, but production: NODE_ENV=production, logs at info as JSON
 * lines to a file), and an `order.place` request ready for each API. Everything is stopped and dropped
 * when the scenario ends (`ctx.defer`).
 * @example const system = await startSystem(ctx, { label: 'pipeline', code: 'built', workers: WORKERS, smtp: true });
 */
export async function startSystem(ctx: ScenarioContext, options: SystemOptions): Promise<RunningSystem> {
  if (options.code === 'built') ensureBuilt();
  const [mysql, postgres, vhost] = await Promise.all([ctx.databases.mysql(), ctx.databases.postgres(), ctx.databases.vhost()]);
  const folder = await processFolder(options.label);
  ctx.defer(() => folder.remove());
  const emails = options.smtp ? await startEmailArrivals() : undefined;
  if (emails) ctx.defer(() => emails.stop());
  const authSecret = randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    MYSQL_URL: mysql.url,
    POSTGRES_URL: postgres.url,
    AMQP_URL: vhost.url,
    AUTH_SECRET: authSecret,
    MAIL_FROM: 'orders@delivery.bench',
    ...(emails ? { SMTP_URL: emails.url } : {}),
    ...(options.deliveryDelayMs === undefined ? {} : { DELIVERY_DELAY_MS: String(options.deliveryDelayMs) }),
    ...NO_ORDER_RATE_LIMIT,
    VENDOR_TOKEN: await signToken(authSecret, { sub: 'vendor-worker', role: 'vendor' }, '1h'),
  };
  /** Each copy (1, 2) has its API on a port of its own; its workers call that API. */
  const copyEnvs: Record<string, string>[] = [];
  const running = new Map<string, SystemProcess>();
  ctx.defer(async () => {
    for (const started of [...running.values()].reverse()) await started.stop(10_000);
  });

  const start = async (name: ProcessName, copy: number, extra: { env?: Record<string, string>; nodeArgs?: readonly string[] } = {}) => {
    const label = copy === 1 ? name : `${name} ${copy}`;
    const processEnv = { ...env, ...copyEnvs[copy - 1], ...extra.env };
    const started = startNodeProcess(label, entryPointOf(name, options.code === 'built'), folder, { env: processEnv, nodeArgs: extra.nodeArgs ?? [] });
    running.set(label, started);
    try {
      if (name === 'api') await waitUntilReady(processEnv.API_URL ?? '', started, { timeoutMs: 60_000 });
      else await started.waitForLog('"msg":"started"');
    } catch (error) {
      await started.stop(5_000);
      throw error;
    }
    return started;
  };
  const place: OrderPlaceRequest[] = [];
  const startCopy = async (copy: number) => {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    copyEnvs[copy - 1] = { PORT: String(port), API_URL: apiUrl, PUBLIC_URL: apiUrl };
    const spawned = performance.now();
    await start('api', copy);
    const readyMs = performance.now() - spawned;
    for (const name of options.workers) await start(name, copy);
    place.push(await orderPlaceRequest(apiUrl, authSecret));
    return readyMs;
  };
  const apiReadyMs = await startCopy(1);
  const copyOf = (label: string) => Number(label.split(' ')[1] ?? 1);
  const kindOf = (label: string) => (label.split(' ')[0] ?? label) as ProcessName;

  return {
    env: { ...env, ...copyEnvs[0] },
    authSecret,
    folder,
    mysqlUrl: mysql.url,
    ...(emails ? { emails } : {}),
    apiReadyMs,
    place,
    processes: () => [...running.values()],
    // By copy, then in the order they start, whatever was replaced since.
    pids: () =>
      Object.fromEntries(
        [...running]
          .sort(([a], [b]) => copyOf(a) - copyOf(b) || KINDS.indexOf(kindOf(a)) - KINDS.indexOf(kindOf(b)))
          .map(([label, started]) => [label, started.pid]),
      ),
    async scaleToTwo() {
      if (copyEnvs.length < 2) await startCopy(2);
    },
    async replace(name, extra = {}) {
      const labels = [...running.keys()].filter((label) => kindOf(label) === name);
      for (const label of labels) {
        await running.get(label)?.stop();
        running.delete(label);
      }
      const copies = extra.single ? [1] : labels.map(copyOf).sort();
      const replaced: SystemProcess[] = [];
      for (const copy of copies) replaced.push(await start(name, copy, extra));
      return replaced;
    },
  };
}
