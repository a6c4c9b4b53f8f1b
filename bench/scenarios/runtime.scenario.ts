import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@delivery/events/testing';
import { startSmtpCapture } from '@delivery/workers/testing';
import { runAtFixedRate } from '../lib/fixed-rate';
import { orderPlaceRequest, placeOrder } from '../lib/order-place-client';
import { residentBytes, trackProcesses } from '../lib/process-stats';
import type { BenchRow, BenchSettings, ProcessRow, Scenario, TargetCheck } from '../lib/scenario';
import { startApi, startWorker, systemEnv } from '../lib/system-env';
import { processFolder, startNodeProcess, type SystemProcess } from '../lib/system-process';
import type { ThrowawayDatabases } from '../lib/throwaway-databases';

type Code = 'source' | 'built';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI_MAIN: Record<Code, string> = { source: `${REPO}packages/cli/src/main.ts`, built: `${REPO}packages/cli/dist/main.js` };
const RUNNER: Record<Code, string> = { source: 'node --import tsx (sources)', built: 'node on dist/ (built)' };
const WORKERS = ['relay', 'projection', 'email', 'vendor'] as const;
const TARGET_SERVICE_MIB = 120;
const TARGET_EMBEDDED_PEAK_MIB = 300;
const TARGET_EMBEDDED_READY_MS = 3_000;
const EMBEDDED_ORDERS = 100;
const MiB = 2 ** 20;

/**
 * What the built JavaScript changes: each services-mode process's resident memory at the pipeline's placement
 * rate, and the embedded process's peak while starting, its time to answer /healthz and its size after
 * 100 orders, first under tsx (how every process ran before `pnpm build`), then on the built code, in turns
 * within one run. Memory is read by pid (VmRSS sampled every 50 ms, VmHWM), as the pipeline scenario does.
 */
export const runtimeScenario: Scenario = {
  name: 'runtime',
  title: 'Memory and start-up: every process on built JavaScript beside the same process under tsx',
  async run({ settings, databases, log }) {
    const build = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: REPO, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stderr}`);
    const rows: BenchRow[] = [];
    const processes: ProcessRow[] = [];
    const checks: TargetCheck[] = [];
    for (const code of ['source', 'built'] as const) {
      log(`runtime: services mode, ${RUNNER[code]}, ${settings.pipelineRate} orders/s for ${settings.pipelineMs / 1000} s`);
      const services = await measureServices(code, settings, databases);
      processes.push(...services.processes);
      rows.push({
        subject: `API ready, ${RUNNER[code]}`,
        workload: 'spawn -> /readyz answers (databases migrated)',
        rate: services.readyMs / 1000,
        unit: 's',
        count: 1,
      });
      if (code === 'built') {
        for (const row of services.processes) {
          checks.push({
            target: `${row.process} ≤ ${TARGET_SERVICE_MIB} MiB RSS under load (built)`,
            actual: `${(row.peakRssBytes / MiB).toFixed(0)} MiB`,
            met: row.peakRssBytes <= TARGET_SERVICE_MIB * MiB,
          });
        }
      }
      log(`runtime: embedded mode, ${RUNNER[code]}: start, /healthz, ${EMBEDDED_ORDERS} orders`);
      const embedded = await measureEmbedded(code);
      processes.push(embedded.row);
      rows.push({
        subject: `embedded ready, ${RUNNER[code]}`,
        workload: 'spawn -> /healthz answers (PGlite started, migrated, seeded)',
        rate: embedded.readyMs / 1000,
        unit: 's',
        count: 1,
      });
      if (code === 'built') {
        checks.push({
          target: `embedded peak ≤ ${TARGET_EMBEDDED_PEAK_MIB} MiB (VmHWM at ready, built)`,
          actual: `${(embedded.hwmAtReady / MiB).toFixed(0)} MiB`,
          met: embedded.hwmAtReady <= TARGET_EMBEDDED_PEAK_MIB * MiB,
        });
        checks.push({
          target: `embedded ready ≤ ${TARGET_EMBEDDED_READY_MS / 1000} s (built)`,
          actual: `${(embedded.readyMs / 1000).toFixed(1)} s`,
          met: embedded.readyMs <= TARGET_EMBEDDED_READY_MS,
        });
      }
    }
    return {
      rows,
      checks,
      processes,
      notes: [
        `Services mode: the API and the relay, projection, email and vendor workers, each a process of its own (NODE_ENV=production), first as ${RUNNER.source}, ` +
          `then as ${RUNNER.built} (what \`delivery start <name>\` and the image run), each time on fresh throwaway databases and vhost; orders placed at ` +
          `${settings.pipelineRate}/s for ${settings.pipelineMs / 1000} s (open loop), then up to ${settings.pipelineDrainMs / 1000} s for their emails. ` +
          'Peak = the largest VmRSS sampled every 50 ms from the first placement to the end of the drain; lifetime = VmHWM (start-up included).',
        `Embedded mode: \`delivery start all\` with DELIVERY_MODE=embedded on a fresh DATA_DIR; ready = from spawn to the first /healthz answer; ` +
          `peak = VmHWM at that moment; start = VmRSS at that moment; peak under load = VmRSS after ${EMBEDDED_ORDERS} orders placed one after another.`,
      ],
    };
  },
};

async function measureServices(code: Code, settings: BenchSettings, databases: ThrowawayDatabases): Promise<{ readyMs: number; processes: ProcessRow[] }> {
  const [mysql, postgres, vhost] = await Promise.all([databases.mysql(), databases.postgres(), databases.vhost()]);
  const capture = await startSmtpCapture();
  const folder = await processFolder(`runtime-${code}`);
  const started: SystemProcess[] = [];
  try {
    const authSecret = randomBytes(32).toString('hex');
    const env = await systemEnv({
      mysqlUrl: mysql.url,
      postgresUrl: postgres.url,
      amqpUrl: vhost.url,
      authSecret,
      apiPort: await freePort(),
      smtpUrl: capture.url,
      deliveryDelayMs: 1_000,
    });
    const spawnedAt = performance.now();
    const api = await startApi(folder, env, [], code);
    const readyMs = performance.now() - spawnedAt;
    started.push(api.process);
    for (const name of WORKERS) started.push(await startWorker(name, folder, env, code));
    const place = await orderPlaceRequest(api.url, authSecret);
    const tracker = trackProcesses(Object.fromEntries(started.map((running) => [running.name, running.pid])));
    const placed = await runAtFixedRate({
      rate: settings.pipelineRate,
      durationMs: settings.pipelineMs,
      maxInFlight: 64,
      operation: () => placeOrder(place),
      onDone: () => undefined,
    });
    await Promise.race([capture.waitForMessages(placed.succeeded), sleep(settings.pipelineDrainMs)]);
    const peaks = tracker.stop();
    const phase = `${RUNNER[code]}, ${placed.succeeded} orders at ${settings.pipelineRate}/s`;
    return {
      readyMs,
      processes: peaks.map((peak) => ({
        process: peak.name,
        phase,
        startRssBytes: peak.startBytes,
        peakRssBytes: peak.peakBytes,
        lifetimePeakBytes: peak.lifetimePeakBytes,
        helperPeakBytes: peak.helperPeakBytes,
        cpuCores: peak.cpuMs / peak.wallMs,
        ...(peak.name === 'email' ? { note: `${capture.messages.length} emails received` } : {}),
      })),
    };
  } finally {
    for (const running of started.reverse()) await running.stop(10_000);
    await capture.close();
    await folder.remove();
    for (const owned of [mysql, postgres, vhost]) await owned.drop().catch(() => undefined);
  }
}

async function measureEmbedded(code: Code): Promise<{ readyMs: number; hwmAtReady: number; row: ProcessRow }> {
  const folder = await processFolder(`runtime-embedded-${code}`);
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const authSecret = randomBytes(32).toString('hex');
  const env = {
    NODE_ENV: 'production',
    DELIVERY_MODE: 'embedded',
    DATA_DIR: `${folder.path}/data`,
    PORT: String(port),
    AUTH_SECRET: authSecret,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
  };
  const spawnedAt = performance.now();
  const embedded = startNodeProcess('embedded', CLI_MAIN[code], folder, { env, args: ['start', 'all'] });
  try {
    const deadline = spawnedAt + 120_000;
    while (
      !(await fetch(`${apiUrl}/healthz`).then(
        (response) => response.ok,
        () => false,
      ))
    ) {
      if (performance.now() > deadline) throw new Error(`embedded (${code}) did not answer /healthz:\n${embedded.tail()}`);
      await sleep(20);
    }
    const readyMs = performance.now() - spawnedAt;
    const atReady = residentBytes(embedded.pid);
    const place = await orderPlaceRequest(apiUrl, authSecret);
    for (let order = 0; order < EMBEDDED_ORDERS; order++) await placeOrder(place);
    const afterOrders = residentBytes(embedded.pid);
    return {
      readyMs,
      hwmAtReady: atReady?.hwm ?? 0,
      row: {
        process: 'embedded (one process)',
        phase: `${RUNNER[code]}: start -> /healthz in ${(readyMs / 1000).toFixed(1)} s, then ${EMBEDDED_ORDERS} orders`,
        startRssBytes: atReady?.rss ?? 0,
        peakRssBytes: afterOrders?.rss ?? 0,
        lifetimePeakBytes: afterOrders?.hwm ?? 0,
        helperPeakBytes: 0,
        cpuCores: 0,
        note: `VmHWM when ready: ${((atReady?.hwm ?? 0) / MiB).toFixed(0)} MiB`,
      },
    };
  } finally {
    await embedded.stop(15_000);
    await folder.remove();
  }
}
