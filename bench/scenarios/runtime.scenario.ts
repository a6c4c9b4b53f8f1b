import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { cliEntryPointOf } from '@delivery/cli/entry-points';
import { waitUntilReady } from '@delivery/cli/testing';
import { freePort } from '@delivery/events/testing';
import { cleanupStack } from '../lib/cleanup-stack';
import { runAtFixedRate } from '../lib/fixed-rate';
import { orderPlaceRequest, placeOrder } from '../lib/order-place-client';
import { memoryChecks, processRow, residentBytes, trackProcesses } from '../lib/process-stats';
import type { BenchRow, ProcessRow, Scenario, ScenarioContext, TargetCheck } from '../lib/scenario';
import { type Code, ensureBuilt, NO_ORDER_RATE_LIMIT, RUNNER, startSystem, WORKERS } from '../lib/system';
import { processFolder, startNodeProcess } from '../lib/system-process';

const TARGET_SERVICE_MIB = 120;
const TARGET_EMBEDDED_PEAK_MIB = 300;
const TARGET_EMBEDDED_READY_MS = 3_000;
const EMBEDDED_ORDERS = 100;
/** How long the embedded process may take to answer /healthz: under tsx, on 2 cores busy with other work, it took over 120 s. */
const EMBEDDED_READY_LIMIT_MS = 300_000;
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
  async run(ctx) {
    const { settings, log } = ctx;
    ensureBuilt();
    const rows: BenchRow[] = [];
    const processes: ProcessRow[] = [];
    const checks: TargetCheck[] = [];
    for (const code of ['source', 'built'] as const) {
      log(`runtime: services mode, ${RUNNER[code]}, ${settings.pipelineRate} orders/s for ${settings.pipelineMs / 1000} s`);
      const services = await measureServices(ctx, code);
      log(`runtime: embedded mode, ${RUNNER[code]}: start, /healthz, ${EMBEDDED_ORDERS} orders`);
      const embedded = await measureEmbedded(code);
      processes.push(...services.processes, embedded.row);
      const ready = (subject: string, workload: string, ms: number): BenchRow => ({
        subject: `${subject}, ${RUNNER[code]}`,
        workload,
        rate: ms / 1000,
        unit: 's',
        count: 1,
      });
      rows.push(
        ready('API ready', 'spawn -> /readyz answers (databases migrated)', services.readyMs),
        ready('embedded ready', 'spawn -> /healthz answers (PGlite started, migrated, seeded)', embedded.readyMs),
      );
      if (code === 'source') continue;
      checks.push(...memoryChecks(services.processes, TARGET_SERVICE_MIB, ' (built)'), {
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

/** The system as the pipeline scenario runs it, under one kind of code, stopped before the next. */
async function measureServices(ctx: ScenarioContext, code: Code): Promise<{ readyMs: number; processes: ProcessRow[] }> {
  const scope = cleanupStack((error) => ctx.log(`runtime: clean-up failed: ${String(error)}`));
  try {
    const system = await startSystem({ ...ctx, defer: scope.defer }, { label: `runtime-${code}`, code, workers: WORKERS, smtp: true, deliveryDelayMs: 1_000 });
    const [place] = system.place;
    const { emails } = system;
    if (!place || !emails) throw new Error('the system did not start');
    const tracker = trackProcesses(system.pids());
    const placed = await runAtFixedRate({
      rate: ctx.settings.pipelineRate,
      durationMs: ctx.settings.pipelineMs,
      maxInFlight: 64,
      operation: () => placeOrder(place),
      onDone: () => undefined,
    });
    await emails.received(placed.succeeded, ctx.settings.pipelineDrainMs);
    const phase = `${RUNNER[code]}, ${placed.succeeded} orders at ${ctx.settings.pipelineRate}/s`;
    const processes = tracker.stop().map((peak) => processRow(peak, phase, peak.name === 'email' ? `${emails.arrivals.size} emails received` : undefined));
    return { readyMs: system.apiReadyMs, processes };
  } finally {
    await scope.run();
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
    ...NO_ORDER_RATE_LIMIT,
  };
  const spawnedAt = performance.now();
  const embedded = startNodeProcess('embedded', cliEntryPointOf(code === 'built'), folder, { env, args: ['start', 'all'] });
  try {
    await waitUntilReady(apiUrl, embedded, { timeoutMs: EMBEDDED_READY_LIMIT_MS, path: '/healthz', everyMs: 20 });
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
