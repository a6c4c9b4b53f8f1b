import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMysqlDb } from '@delivery/events';
import { loadWorkersConfig } from '@delivery/workers';
import { type SmtpCapture, startSmtpCapture } from '@delivery/workers/testing';
import type { Kysely } from 'kysely';
import { discardLogger } from '../lib/discard-logger';
import { type EmailArrivals, recordEmailArrivals } from '../lib/email-arrivals';
import { type FixedRateResult, runAtFixedRate } from '../lib/fixed-rate';
import { type LagProbe, startLagProbe } from '../lib/lag-probe';
import { summarizeLatencies } from '../lib/latency';
import { type OrderPlaceRequest, orderPlaceRequest, placeOrder } from '../lib/order-place-client';
import { visibleOrderIds } from '../lib/order-view-probe.repository';
import { describeCpuProfile } from '../lib/cpu-profile';
import { publishedOutboxRows } from '../lib/outbox-count.repository';
import { describePerUnit, type StatementProfile } from '../lib/statement-trace';
import { cpuWindow, type CpuWindowResult, describeCpu, type ProcessMemoryPeak, trackProcesses } from '../lib/process-stats';
import type { BenchRow, BenchSettings, ProcessRow, Scenario, TargetCheck } from '../lib/scenario';
import { startApi, startWorker, systemEnv } from '../lib/system-env';
import { freePort } from '@delivery/events/testing';
import { type ProcessFolder, processFolder, startSystemProcess, type SystemProcess } from '../lib/system-process';
import { TRACE_NODE_ARGS, traceEnv, traceWindow } from '../lib/traced-window';
import type { ThrowawayDatabase } from '../lib/throwaway-databases';

const TARGET_P99_MS = 100;
const TARGET_RSS_MIB = 200;
/** The read model is asked this often which of the placed orders it shows yet. */
const VISIBILITY_POLL_MS = 5;
const WARM_UP_ORDERS = 20;
/** Placements awaiting their answer beyond which the schedule skips one (the API cannot keep up). */
const MAX_IN_FLIGHT = 64;
/** The vendor worker accepts each order at once and delivers it this long after: the whole flow runs under load. */
const DELIVERY_DELAY_MS = 1000;
const BASELINE = 'relay -> RabbitMQ -> no-op consumer';
const WORKERS = ['projection', 'email', 'vendor'] as const;

/** The relay settings measured in turn: what ships, then the poll of earlier versions, to show what it cost. */
const RELAY_CONFIGURATIONS: readonly { label: string; pollMs?: number }[] = [
  { label: 'relay as shipped (idle poll 50 ms)' },
  { label: 'relay idle poll 250 ms', pollMs: 250 },
];

interface Phase {
  label: string;
  placement: FixedRateResult;
  returnedAt: Map<string, number>;
  visibleAt: Map<string, number>;
  /** Each process of the system while the phase ran (placements and drain). */
  peaks: ProcessMemoryPeak[];
  cpu: CpuWindowResult;
}

/**
 * Places orders through the API at a fixed rate while the relay, projection, email and vendor workers run,
 * each process of the system a child of the bench started from its real entry point, and times each order
 * from the moment `order.place` returned (after the commit) to its read-model row being visible and to its
 * confirmation email reaching the SMTP server. The baseline, in the same run, is a consumer that does
 * nothing on its own queue of the same exchange: relay + broker alone. Every process's resident memory is
 * sampled by pid while orders flow, against the 200 MB target.
 */
export const pipelineScenario: Scenario = {
  name: 'pipeline',
  title: 'Pipeline lag: commit -> read model visible, commit -> email received, at a fixed placement rate',
  async run({ settings, databases, log }) {
    const owned: ThrowawayDatabase[] = [];
    const stoppers: (() => Promise<unknown>)[] = [];
    let folder: ProcessFolder | undefined;
    const stopAll = async () => {
      for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => log(`pipeline: stop failed: ${String(error)}`));
    };
    try {
      folder = await processFolder('pipeline');
      const [mysql, postgres, vhost] = await Promise.all([databases.mysql(), databases.postgres(), databases.vhost()]);
      owned.push(mysql, postgres, vhost);
      const capture: SmtpCapture = await startSmtpCapture();
      stoppers.push(() => capture.close());
      const authSecret = randomBytes(32).toString('hex');
      const env = await systemEnv({
        mysqlUrl: mysql.url,
        postgresUrl: postgres.url,
        amqpUrl: vhost.url,
        authSecret,
        apiPort: await freePort(),
        smtpUrl: capture.url,
        deliveryDelayMs: DELIVERY_DELAY_MS,
      });

      log('pipeline: starting the API, then the projection, email and vendor workers, each a process of its own');
      const api = await startApi(folder, env);
      stoppers.push(() => api.process.stop());
      const workers: SystemProcess[] = [];
      for (const name of WORKERS) {
        const worker = await startWorker(name, folder, env);
        stoppers.push(() => worker.stop());
        workers.push(worker);
      }
      const probe: LagProbe = await startLagProbe(vhost.url, discardLogger('bench-lag-probe'));
      stoppers.push(() => probe.close());
      const emails: EmailArrivals = recordEmailArrivals(capture);
      stoppers.push(async () => emails.stop());
      const pollDb = createMysqlDb(mysql.url, { poolSize: 1 });
      stoppers.push(() => pollDb.destroy());
      const place = await orderPlaceRequest(api.url, authSecret);
      const baseConfig = loadWorkersConfig(env);

      const phases: Phase[] = [];
      for (const [index, configuration] of RELAY_CONFIGURATIONS.entries()) {
        const relay = await startWorker('relay', folder, { ...env, ...(configuration.pollMs ? { RELAY_POLL_INTERVAL_MS: String(configuration.pollMs) } : {}) });
        try {
          const system = [api.process, relay, ...workers];
          const pids = Object.fromEntries(system.map((running) => [running.name, running.pid]));
          if (index === 0) {
            log(`pipeline: warm-up (${WARM_UP_ORDERS} orders)`);
            await measurePhase('warm-up', { rate: WARM_UP_ORDERS, durationMs: 1000 }, place, pollDb, probe, emails, settings);
          }
          log(`pipeline: ${settings.pipelineRate} orders/s for ${settings.pipelineMs / 1000} s, ${configuration.label}`);
          const tracker = trackProcesses(pids);
          const cpu = cpuWindow(pids);
          let measured: Omit<Phase, 'peaks' | 'cpu'> | undefined;
          try {
            measured = await measurePhase(
              configuration.label,
              { rate: settings.pipelineRate, durationMs: settings.pipelineMs },
              place,
              pollDb,
              probe,
              emails,
              settings,
            );
          } finally {
            const peaks = tracker.stop();
            const used = cpu.stop();
            if (measured) phases.push({ ...measured, peaks, cpu: used });
          }
        } finally {
          await relay.stop();
        }
      }

      const diagnostics = settings.profile ? await profiledPass({ folder, env, workers, place, pollDb, probe, emails, settings, log }) : [];

      const rows: BenchRow[] = [];
      const checks: TargetCheck[] = [];
      const processes: ProcessRow[] = [];
      for (const phase of phases) {
        const workload = `${settings.pipelineRate} orders/s, ${phase.label}`;
        const baseline = lagRow(BASELINE, workload, phase, probe.arrivals);
        const readModel = lagRow('commit -> read model visible', workload, phase, phase.visibleAt);
        const email = lagRow('commit -> email received', workload, phase, emails.arrivals);
        rows.push(baseline.row, readModel.row, email.row);
        checks.push({
          target: `commit -> read model p99 under ${TARGET_P99_MS} ms at ${settings.pipelineRate} orders/s (${phase.label})`,
          actual: `${readModel.p99Ms.toFixed(1)} ms at the ${Math.round(phase.placement.achievedRate)} orders/s reached (relay + broker alone: ${baseline.p99Ms.toFixed(1)} ms)`,
          met: readModel.p99Ms < TARGET_P99_MS && readModel.missing === 0 && phase.placement.skipped === 0,
        });
        for (const peak of phase.peaks) {
          processes.push({
            process: peak.name,
            phase: workload,
            startRssBytes: peak.startBytes,
            peakRssBytes: peak.peakBytes,
            lifetimePeakBytes: peak.lifetimePeakBytes,
            helperPeakBytes: peak.helperPeakBytes,
            cpuCores: peak.cpuMs / Math.max(1, peak.wallMs),
          });
        }
      }
      for (const name of ['api', 'relay', ...WORKERS]) {
        const mine = processes.filter((row) => row.process === name);
        if (mine.length === 0) continue;
        const peakMiB = Math.max(...mine.map((row) => row.peakRssBytes)) / 2 ** 20;
        const lifetimeMiB = Math.max(...mine.map((row) => row.lifetimePeakBytes)) / 2 ** 20;
        checks.push({
          target: `${name} process under ${TARGET_RSS_MIB} MB resident under load`,
          actual: `${peakMiB.toFixed(0)} MiB peak while orders flowed (lifetime peak ${lifetimeMiB.toFixed(0)} MiB)`,
          met: peakMiB < TARGET_RSS_MIB,
        });
      }
      return {
        rows,
        checks,
        processes,
        notes: [
          `Open loop: ${settings.pipelineRate} order.place calls per second over HTTP (tRPC) for ${settings.pipelineMs / 1000} s per relay setting, ` +
            'each started on schedule whatever the earlier ones take; lag = arrival - the moment order.place returned (after its commit). ' +
            `rate = placements completed per second; n = orders measured; errors = failed placements + orders not seen within ${settings.pipelineDrainMs / 1000} s ` +
            `of the last placement. A start due while ${MAX_IN_FLIGHT} placements await their answer is skipped (the API fell behind), so a run ends on time.`,
          `Read model visible: the bench asks order_view every ${VISIBILITY_POLL_MS} ms which placed orders it shows and stamps them when the answer comes back, ` +
            'so the figure may be late by up to the poll interval plus one query. Email received: stamped when the SMTP capture (in the bench process) accepts the message.',
          `Baseline (${BASELINE}): an exclusive queue bound to the orders exchange beside the real ones, consumed with no work: the relay's ` +
            'claim-publish-confirm-commit cycle and the broker alone, measured on the same orders in the same run.',
          'Every process of the system runs from its entry point (packages/cli/src/entry-points.ts) under node --import tsx, as `pnpm delivery start` ' +
            `runs it, with NODE_ENV=production and logs at info (JSON lines to a file): the API, the relay, projection, email and vendor workers. The vendor ` +
            `accepts every order through the API as it arrives and delivers it ${DELIVERY_DELAY_MS / 1000} s later (DELIVERY_DELAY_MS), so each placed order ` +
            'brings two more API calls and two more events through the pipeline. The bench process places the orders, polls the read model, runs the SMTP ' +
            'capture and the lag probe. All share the 2 cores with MariaDB, PostgreSQL and RabbitMQ.',
          'Memory: VmRSS of each pid sampled every 50 ms from the first placement until every order was seen (or the drain time ran out), and ' +
            "VmHWM, the kernel's lifetime high-water mark (start-up included). The relay is restarted for each setting.",
          ...phases.map((phase) => `CPU while ${phase.label} ran (${(phase.cpu.wallMs / 1000).toFixed(1)} s): ${describeCpu(phase.cpu)}.`),
          `The relay claims up to ${baseConfig.RELAY_BATCH_SIZE} rows at a time and idles ${baseConfig.RELAY_POLL_INTERVAL_MS} ms (RELAY_POLL_INTERVAL_MS) ` +
            'only when the outbox was empty. The second setting idles 250 ms, as earlier versions did.',
          ...diagnostics,
        ],
      };
    } finally {
      await stopAll();
      for (const resource of owned) await resource.drop().catch((error: unknown) => log(`pipeline: could not drop ${resource.name}: ${String(error)}`));
      await folder?.remove();
    }
  },
};

/**
 * The unmeasured diagnostic pass: a traced relay and a traced projection worker (the statement trace and
 * the inspector's CPU profiler, see statement-trace.preload.ts) replace theirs while orders flow at the same
 * rate; reports what each sent to MariaDB per event relayed and where its CPU went.
 */
async function profiledPass(options: {
  folder: ProcessFolder;
  env: Record<string, string>;
  workers: SystemProcess[];
  place: OrderPlaceRequest;
  pollDb: Kysely<unknown>;
  probe: LagProbe;
  emails: EmailArrivals;
  settings: BenchSettings;
  log(line: string): void;
}): Promise<string[]> {
  const { folder, env, workers, place, pollDb, probe, emails, settings, log } = options;
  const measuredProjection = workers.find((worker) => worker.name === 'projection');
  await measuredProjection?.stop();
  const traced = async (name: 'relay' | 'projection') => {
    const dir = path.join(folder.path, `trace-${name}`);
    const started = startSystemProcess(name, folder, { env: { ...env, ...traceEnv(dir) }, nodeArgs: TRACE_NODE_ARGS });
    await started.waitForLog('"msg":"started"');
    return { process: started, dir };
  };
  const relay = await traced('relay');
  const projection = await traced('projection').catch(async (error: unknown) => {
    await relay.process.stop();
    throw error;
  });
  try {
    const durationMs = Math.max(2_000, settings.pipelineMs / 2);
    log(`pipeline: profiled pass (traced relay and projection, not measured), ${settings.pipelineRate} orders/s for ${durationMs / 1000} s`);
    const before = await publishedOutboxRows(pollDb);
    const relayWindow = await traceWindow(relay.process, relay.dir, () =>
      traceWindow(projection.process, projection.dir, () =>
        measurePhase('profiled', { rate: settings.pipelineRate, durationMs }, place, pollDb, probe, emails, settings),
      ),
    );
    const projectionWindow = relayWindow.result;
    const events = (await publishedOutboxRows(pollDb)) - before;
    const orders = projectionWindow.result.placement.succeeded;
    const statements = (window: { statements: Record<string, StatementProfile> }) =>
      Object.entries(window.statements)
        .filter(([database]) => env.MYSQL_URL?.endsWith(`/${database}`))
        .map(([, profile]) => describePerUnit(profile, events, 'event relayed'))
        .join(' | ');
    return [
      `Profiled pass (after the measurements, not measured: traced relay and projection processes, ${orders} orders placed at up to ` +
        `${settings.pipelineRate}/s, ${events} events relayed in the window, each order bringing up to three: placed, accepted, delivered). ` +
        `Relay, MariaDB: ${statements(relayWindow)}. Projection, MariaDB: ${statements(projectionWindow)}.`,
      `Relay ${describeCpuProfile(relayWindow.cpu, events, 'event relayed')}`,
      `Projection worker ${describeCpuProfile(projectionWindow.cpu, events, 'event relayed')}`,
    ];
  } finally {
    await relay.process.stop();
    await projection.process.stop();
  }
}

/** Places orders at the rate, follows them until the read model, the probe and the capture have them all (bounded). */
async function measurePhase<DB>(
  label: string,
  load: { rate: number; durationMs: number },
  place: OrderPlaceRequest,
  db: Kysely<DB>,
  probe: LagProbe,
  emails: EmailArrivals,
  settings: BenchSettings,
): Promise<Omit<Phase, 'peaks' | 'cpu'>> {
  const returnedAt = new Map<string, number>();
  const visibleAt = new Map<string, number>();
  const pending = new Set<string>();
  let placing = true;

  // Set when the last placement has settled: from then on, everything still missing gets this long.
  let drainDeadline = Number.POSITIVE_INFINITY;
  const poller = (async () => {
    while (placing || pending.size > 0) {
      if (performance.now() > drainDeadline) return;
      const ids = [...pending].slice(0, 1000);
      if (ids.length > 0) {
        const visible = await visibleOrderIds(db, ids);
        const now = performance.now();
        for (const id of visible) {
          visibleAt.set(id, now);
          pending.delete(id);
        }
      }
      await sleep(VISIBILITY_POLL_MS);
    }
  })();
  // Handled now, rethrown by the `await` below: a failed poll must not become an unhandled rejection meanwhile.
  poller.catch(() => undefined);

  let placement: FixedRateResult;
  try {
    placement = await runAtFixedRate({
      rate: load.rate,
      durationMs: load.durationMs,
      maxInFlight: MAX_IN_FLIGHT,
      operation: () => placeOrder(place),
      onDone(orderId, settledAt) {
        returnedAt.set(orderId, settledAt);
        pending.add(orderId);
      },
    });
  } finally {
    placing = false;
    drainDeadline = performance.now() + settings.pipelineDrainMs;
  }
  await poller;
  // The email and the probe are stamped as they arrive; wait (bounded) until they have every order.
  const arrived = () => [...returnedAt.keys()].every((id) => emails.arrivals.has(id) && probe.arrivals.has(id));
  while (!arrived() && performance.now() < drainDeadline) await sleep(50);
  if (placement.succeeded === 0) throw new Error(`${label}: every placement failed: ${placement.firstError ?? 'unknown error'}`);
  return { label, placement, returnedAt, visibleAt };
}

function lagRow(
  subject: string,
  workload: string,
  phase: Omit<Phase, 'peaks' | 'cpu'>,
  arrivals: ReadonlyMap<string, number>,
): { row: BenchRow; p99Ms: number; missing: number } {
  const lags: number[] = [];
  let missing = 0;
  for (const [orderId, returned] of phase.returnedAt) {
    const arrived = arrivals.get(orderId);
    if (arrived === undefined) missing++;
    // An arrival can precede the HTTP response by a hair (the commit is before the response leaves).
    else lags.push(arrived - returned);
  }
  const summary = summarizeLatencies(lags);
  const { placement } = phase;
  const notes = [
    `max ${summary.maxMs.toFixed(0)} ms`,
    ...(missing > 0 ? [`${missing} not seen within the drain time`] : []),
    ...(placement.errors > 0 ? [`${placement.errors} placements failed (${placement.firstError ?? '?'})`] : []),
    ...(placement.skipped > 0 ? [`${placement.skipped} of ${placement.scheduled} placements skipped (${MAX_IN_FLIGHT} awaiting an answer)`] : []),
    ...(placement.late > 0 ? [`${placement.late} placements started >10 ms late`] : []),
  ];
  return {
    row: {
      subject,
      workload,
      rate: placement.achievedRate,
      unit: 'orders/s',
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      count: summary.count,
      errors: placement.errors + missing,
      note: notes.join('; '),
    },
    p99Ms: summary.p99Ms,
    missing,
  };
}
