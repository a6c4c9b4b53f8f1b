import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMysqlDb } from '@delivery/events';
import { loadWorkersConfig } from '@delivery/workers';
import type { Kysely } from 'kysely';
import { describeCpuProfile } from '../lib/cpu-profile';
import { discardLogger } from '../lib/discard-logger';
import type { EmailArrivals } from '../lib/email-arrivals';
import { type FixedRateResult, runAtFixedRate } from '../lib/fixed-rate';
import { type LagProbe, startLagProbe } from '../lib/lag-probe';
import { summarizeLatencies } from '../lib/latency';
import { type OrderPlaceRequest, placeOrder } from '../lib/order-place-client';
import { publishedOutboxRows, visibleOrderIds } from '../lib/pipeline.repository';
import { type CpuWindowResult, cpuWindow, describeCpu, memoryChecks, type ProcessMemoryPeak, processRow, trackProcesses } from '../lib/process-stats';
import type { BenchRow, BenchSettings, Headline, Scenario, ScenarioContext } from '../lib/scenario';
import { describePerUnit, type StatementProfile } from '../lib/statement-trace';
import { RUNNER, type RunningSystem, startSystem, WORKERS } from '../lib/system';
import { startTraced, traceWindow } from '../lib/traced-window';

/** The rate at which issue 16 states its latency targets; the whole system's rate is `settings.pipelineRate`. */
const LATENCY_RATE = 100;
const TARGET_READ_MODEL_P99_MS = 100;
const TARGET_EMAIL_P99_MS = 2_000;
const TARGET_EMAIL_CPU_MS = 2;
const TARGET_RSS_MIB = 200;
/** The read model is asked this often which of the placed orders it shows yet. */
const VISIBILITY_POLL_MS = 5;
/**
 * Fresh processes spend their first seconds of load compiling (V8's optimizing compiler runs on threads of
 * the same process, counted in its CPU): the phases measure warm processes, as a system that has run a while.
 */
const WARM_UP = { rate: LATENCY_RATE / 2, durationMs: 6_000 } as const;
/** Placements awaiting their answer beyond which the schedule skips one (the API cannot keep up). */
const MAX_IN_FLIGHT = 64;
/** The vendor worker accepts each order at once and delivers it this long after: the whole flow runs under load. */
const DELIVERY_DELAY_MS = 1000;
const SLOW_RELAY_POLL_MS = 250;
const BASELINE = 'relay -> RabbitMQ -> no-op consumer';
const TOPOLOGY = { 1: 'one of each', 2: 'two of each (2 APIs)' } as const;

interface PhasePlan {
  copies: 1 | 2;
  rate: number;
  /** The relay's idle poll, when not as shipped. */
  relayPollMs?: number;
}

interface Followed {
  placement: FixedRateResult;
  returnedAt: Map<string, number>;
  visibleAt: Map<string, number>;
}

interface Phase extends Followed, PhasePlan {
  workload: string;
  /** Each process of the system while the phase ran (placements and drain). */
  peaks: ProcessMemoryPeak[];
  cpu: CpuWindowResult;
}

/** What a phase needs to place orders and follow them. */
interface Followers {
  place: readonly OrderPlaceRequest[];
  db: Kysely<unknown>;
  probe: LagProbe;
  emails: EmailArrivals;
  settings: BenchSettings;
}

/**
 * Places orders through the API at a fixed rate while the relay, projection, email and vendor workers run,
 * each a process of its own (built code), and times each order from the moment `order.place` returned
 * (after the commit) to its read-model row being visible and to its confirmation email reaching the SMTP
 * server: at 100 orders/s (the latency targets) and at the rate asked of the whole system, with one of each
 * process and then two of each (the load spread over both APIs), and once with the relay's old idle poll.
 * The baseline, in the same run, is a consumer that does nothing on its own queue of the same exchange:
 * relay + broker alone. Every process's memory and CPU are read by pid while orders flow.
 */
export const pipelineScenario: Scenario = {
  name: 'pipeline',
  title: 'Pipeline lag: commit -> read model visible, commit -> email received, at a fixed placement rate',
  async run(ctx) {
    const { settings, log } = ctx;
    log('pipeline: starting the API, then the relay, projection, email and vendor workers, each a process of its own');
    const system = await startSystem(ctx, { label: 'pipeline', code: 'built', workers: WORKERS, smtp: true, deliveryDelayMs: DELIVERY_DELAY_MS });
    const probe = await startLagProbe(system.env.AMQP_URL ?? '', discardLogger('bench-lag-probe'));
    ctx.defer(() => probe.close());
    const { emails } = system;
    if (!emails) throw new Error('no SMTP capture');
    const db = createMysqlDb(system.mysqlUrl, { poolSize: 1 });
    ctx.defer(() => db.destroy());
    const followers: Followers = { place: system.place, db, probe, emails, settings };
    const shippedPollMs = loadWorkersConfig(system.env).RELAY_POLL_INTERVAL_MS;
    const relayLabel = (plan: PhasePlan) => `relay ${plan.relayPollMs ? `idle poll ${plan.relayPollMs} ms` : `as shipped (idle poll ${shippedPollMs} ms)`}`;

    const warmUp = { rate: WARM_UP.rate, durationMs: settings.quick ? 1_000 : WARM_UP.durationMs };
    log(`pipeline: warm-up, unmeasured (${warmUp.rate} orders/s for ${warmUp.durationMs / 1000} s)`);
    await followOrders(warmUp, followers);
    const plans: PhasePlan[] = [
      { copies: 1, rate: LATENCY_RATE },
      { copies: 1, rate: settings.pipelineRate },
      { copies: 1, rate: settings.pipelineRate, relayPollMs: SLOW_RELAY_POLL_MS },
      { copies: 2, rate: LATENCY_RATE },
      { copies: 2, rate: settings.pipelineRate },
    ];
    const phases: Phase[] = [];
    for (const plan of plans) {
      if (plan.copies === 2) await system.scaleToTwo();
      if (plan.relayPollMs) await system.replace('relay', { env: { RELAY_POLL_INTERVAL_MS: String(plan.relayPollMs) } });
      const workload = `${plan.rate} orders/s, ${TOPOLOGY[plan.copies]}, ${relayLabel(plan)}`;
      log(`pipeline: ${workload} for ${settings.pipelineMs / 1000} s`);
      const tracker = trackProcesses(system.pids());
      const cpu = cpuWindow(system.pids());
      const followed = await followOrders({ rate: plan.rate, durationMs: settings.pipelineMs }, followers);
      phases.push({ ...plan, ...followed, workload, peaks: tracker.stop(), cpu: cpu.stop() });
      if (plan.relayPollMs) await system.replace('relay');
    }
    const diagnostics = settings.profile ? await profiledPass(ctx, system, followers) : [];

    // One of each beside two of each at the same rate and relay setting.
    const shown = [...phases].sort((a, b) => a.rate - b.rate || (a.relayPollMs ?? 0) - (b.relayPollMs ?? 0) || a.copies - b.copies);
    const oneOfEach = (phase: Phase) => phases.find((other) => other.copies === 1 && other.rate === phase.rate && other.relayPollMs === phase.relayPollMs);
    const rows: BenchRow[] = shown.flatMap((phase) => {
      const single = phase.copies === 2 ? oneOfEach(phase) : undefined;
      const ratio = single ? { ratio: { value: phase.placement.achievedRate / single.placement.achievedRate, against: `${TOPOLOGY[1]}, same rate` } } : {};
      return [
        lagRow(BASELINE, phase, probe.arrivals).row,
        { ...lagRow('commit -> read model visible', phase, phase.visibleAt).row, ...ratio },
        {
          ...lagRow('commit -> email received', phase, emails.arrivals, `email worker CPU ${emailCpuMs(phase, emails).toFixed(2)} ms per confirmation`).row,
          ...ratio,
        },
      ];
    });
    const processes = phases.flatMap((phase) => phase.peaks.map((peak) => processRow(peak, phase.workload)));
    const find = (copies: 1 | 2, rate: number) => phases.find((phase) => phase.copies === copies && phase.rate === rate && !phase.relayPollMs);
    const latency = find(1, LATENCY_RATE);
    const whole = find(1, settings.pipelineRate);
    const scaled = find(2, settings.pipelineRate);
    if (!latency || !whole || !scaled) throw new Error('a phase of the pipeline is missing');
    return {
      rows,
      headlines: headlines(latency, whole, scaled, probe, emails),
      checks: memoryChecks(processes, TARGET_RSS_MIB, ' (each copy)'),
      processes,
      notes: [
        `Warm-up before the first phase, unmeasured: ${warmUp.rate} orders/s for ${warmUp.durationMs / 1000} s through the whole system, so the ` +
          'processes are measured warm (their JIT compilation of the first seconds of load is start-up, not the cost of an order). ' +
          `Open loop: order.place calls over HTTP (tRPC) at the rate of each phase for ${settings.pipelineMs / 1000} s, ` +
          'each started on schedule whatever the earlier ones take; lag = arrival - the moment order.place returned (after its commit). ' +
          `rate = placements completed per second; n = orders measured; errors = failed placements + orders not seen within ${settings.pipelineDrainMs / 1000} s ` +
          `of the last placement. A start due while ${MAX_IN_FLIGHT} placements await their answer is skipped (the API fell behind), so a run ends on time.`,
        `Read model visible: the bench asks order_view every ${VISIBILITY_POLL_MS} ms which placed orders it shows and stamps them when the answer comes back, ` +
          "so the figure may be late by up to the poll interval plus one query. Email received: stamped when the SMTP capture (a child process of its own, so that the bench's event loop does not delay the SMTP dialogue) has received the message.",
        `Baseline (${BASELINE}): an exclusive queue bound to the orders exchange beside the real ones, consumed with no work: the relay's ` +
          'claim-publish-confirm-commit cycle and the broker alone, measured on the same orders in the same run.',
        `Every process of the system runs from its entry point (${RUNNER.built}, as \`delivery start <name>\` and the image run it), ` +
          `with NODE_ENV=production and logs at info (JSON lines to a file): the API, the relay, projection, email and vendor workers. The vendor ` +
          `accepts every order through the API as it arrives and delivers it ${DELIVERY_DELAY_MS / 1000} s later (DELIVERY_DELAY_MS), so each placed order ` +
          'brings two more API calls and two more events through the pipeline. The bench process places the orders, polls the read model and runs the lag probe; ' +
          'the SMTP capture is a process of its own. All share the 2 cores with MariaDB, PostgreSQL and RabbitMQ.',
        `${TOPOLOGY[2]}: a second API on a port of its own and a second process of each worker on the same databases and vhost (the workers compete ` +
          "for their queues; the relays share the outbox through SKIP LOCKED; each vendor calls its own copy's API); placements alternate between the two " +
          `APIs. The "vs baseline" of its rows is its rate against ${TOPOLOGY[1]} at the same rate asked.`,
        'Memory: VmRSS of each pid sampled every 50 ms from the first placement until every order was seen (or the drain time ran out), and ' +
          "VmHWM, the kernel's lifetime high-water mark (start-up included). Email worker CPU per confirmation: its CPU time over the phase (all its copies) " +
          'divided by the confirmations of the phase received.',
        ...phases.map((phase) => `CPU while ${phase.workload} ran (${(phase.cpu.wallMs / 1000).toFixed(1)} s): ${describeCpu(phase.cpu)}.`),
        `The relay claims up to ${loadWorkersConfig(system.env).RELAY_BATCH_SIZE} rows at a time and idles ${shippedPollMs} ms (RELAY_POLL_INTERVAL_MS) ` +
          `only when the outbox was empty. The ${SLOW_RELAY_POLL_MS} ms setting is what earlier versions did.`,
        ...diagnostics,
      ],
    };
  },
};

function headlines(latency: Phase, whole: Phase, scaled: Phase, probe: LagProbe, emails: EmailArrivals): Headline[] {
  const baseline = lagRow(BASELINE, latency, probe.arrivals);
  const readModel = lagRow('', latency, latency.visibleAt);
  const email = lagRow('', latency, emails.arrivals);
  const wholeMissing = lagRow('', whole, whole.visibleAt).missing + lagRow('', whole, emails.arrivals).missing;
  const atRate = (phase: Phase) => `at the ${Math.round(phase.placement.achievedRate)} orders/s reached`;
  const clean = (phase: Phase) => phase.placement.skipped === 0 && phase.placement.errors === 0;
  const emailCpu = emailCpuMs(latency, emails);
  const orders = (phase: Phase) => Math.round(phase.placement.achievedRate).toLocaleString('en-US');
  return [
    {
      figure: `orders/s the whole system sustains (${whole.rate} asked; place, accept, deliver; one email each)`,
      ours: orders(whole),
      baseline: `asked: ${whole.rate}`,
      ratio: `${(whole.placement.achievedRate / whole.rate).toFixed(2)} ×`,
      target: { text: `≥ ${whole.rate}/s`, met: clean(whole) && wholeMissing === 0 },
    },
    {
      figure: `orders/s, ${TOPOLOGY[2]} vs ${TOPOLOGY[1]} (${scaled.rate} asked)`,
      ours: orders(scaled),
      baseline: `${TOPOLOGY[1]}: ${orders(whole)}`,
      ratio: `${(scaled.placement.achievedRate / whole.placement.achievedRate).toFixed(2)} ×`,
    },
    {
      figure: `commit → read model p99 at ${latency.rate} orders/s`,
      ours: `${readModel.p99Ms.toFixed(0)} ms ${atRate(latency)}`,
      baseline: `relay + broker alone: ${baseline.p99Ms.toFixed(0)} ms`,
      target: { text: `< ${TARGET_READ_MODEL_P99_MS} ms`, met: readModel.p99Ms < TARGET_READ_MODEL_P99_MS && readModel.missing === 0 && clean(latency) },
    },
    {
      figure: `commit → email p99 at ${latency.rate} orders/s`,
      ours: `${(email.p99Ms / 1000).toFixed(2)} s ${atRate(latency)}`,
      baseline: `relay + broker alone: ${baseline.p99Ms.toFixed(0)} ms`,
      target: { text: `< ${TARGET_EMAIL_P99_MS / 1000} s`, met: email.p99Ms < TARGET_EMAIL_P99_MS && email.missing === 0 && clean(latency) },
    },
    {
      figure: `email worker CPU per confirmation (${latency.rate} orders/s)`,
      ours: `${emailCpu.toFixed(2)} ms`,
      baseline: '—',
      target: { text: `≤ ${TARGET_EMAIL_CPU_MS} ms`, met: emailCpu <= TARGET_EMAIL_CPU_MS },
    },
  ];
}

/** CPU of the email worker (all its copies) over a phase, per confirmation of that phase received. */
function emailCpuMs(phase: Phase, emails: EmailArrivals): number {
  const cpu = phase.peaks.filter((peak) => peak.name.split(' ')[0] === 'email').reduce((sum, peak) => sum + peak.cpuMs, 0);
  const received = [...phase.returnedAt.keys()].filter((orderId) => emails.arrivals.has(orderId)).length;
  return cpu / Math.max(1, received);
}

/**
 * The unmeasured diagnostic pass: a traced relay, projection and email worker (the statement trace and the
 * inspector's CPU profiler, see statement-trace.preload.ts) replace theirs while orders flow at the
 * pipeline's rate; reports what the relay and the projection sent to MariaDB per event relayed, and where
 * the CPU of each went (the email worker's per confirmation).
 */
async function profiledPass(ctx: ScenarioContext, system: RunningSystem, followers: Followers): Promise<string[]> {
  const { settings, log } = ctx;
  const relay = await startTraced(system, 'relay');
  const projection = await startTraced(system, 'projection');
  const email = await startTraced(system, 'email');
  const durationMs = Math.max(2_000, settings.pipelineMs / 2);
  log(`pipeline: profiled pass (traced relay, projection and email, not measured), ${settings.pipelineRate} orders/s for ${durationMs / 1000} s`);
  const before = await publishedOutboxRows(followers.db);
  const emailsBefore = followers.emails.arrivals.size;
  const relayWindow = await traceWindow(relay.process, relay.dir, () =>
    traceWindow(projection.process, projection.dir, () =>
      traceWindow(email.process, email.dir, () => followOrders({ rate: settings.pipelineRate, durationMs }, followers)),
    ),
  );
  const projectionWindow = relayWindow.result;
  const emailWindow = projectionWindow.result;
  const events = (await publishedOutboxRows(followers.db)) - before;
  const confirmations = followers.emails.arrivals.size - emailsBefore;
  const statements = (window: { statements: Record<string, StatementProfile> }) =>
    Object.entries(window.statements)
      .filter(([database]) => system.mysqlUrl.endsWith(`/${database}`))
      .map(([, profile]) => describePerUnit(profile, events, 'event relayed'))
      .join(' | ');
  return [
    `Profiled pass (after the measurements, not measured: one traced relay, projection and email process in place of theirs, ` +
      `${emailWindow.result.placement.succeeded} orders placed at up to ${settings.pipelineRate}/s, ${events} events relayed in the window, ` +
      `each order bringing up to three: placed, accepted, delivered). Relay, MariaDB: ${statements(relayWindow)}. Projection, MariaDB: ${statements(projectionWindow)}.`,
    `Relay ${describeCpuProfile(relayWindow.cpu, events, 'event relayed')}`,
    `Projection worker ${describeCpuProfile(projectionWindow.cpu, events, 'event relayed')}`,
    `Email worker ${describeCpuProfile(emailWindow.cpu, confirmations, 'confirmation received')}`,
  ];
}

/** Places orders at the rate (in turn on each API), follows them until the read model, the probe and the capture have them all (bounded). */
async function followOrders(load: { rate: number; durationMs: number }, followers: Followers): Promise<Followed> {
  const { place, db, probe, emails, settings } = followers;
  const returnedAt = new Map<string, number>();
  const visibleAt = new Map<string, number>();
  const pending = new Set<string>();
  let placing = true;
  // Set when the last placement has settled: from then on, everything still missing gets this long.
  let drainDeadline = Number.POSITIVE_INFINITY;
  const poller = (async () => {
    while ((placing || pending.size > 0) && performance.now() < drainDeadline) {
      const visible = await visibleOrderIds(db, [...pending].slice(0, 1000));
      const now = performance.now();
      for (const id of visible) {
        visibleAt.set(id, now);
        pending.delete(id);
      }
      await sleep(VISIBILITY_POLL_MS);
    }
  })();
  // Handled now, rethrown by the `await` below: a failed poll must not become an unhandled rejection meanwhile.
  poller.catch(() => undefined);
  let placed = 0;
  let placement: FixedRateResult;
  try {
    placement = await runAtFixedRate({
      ...load,
      maxInFlight: MAX_IN_FLIGHT,
      operation: () => placeOrder(place[placed++ % place.length] as OrderPlaceRequest),
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
  if (placement.succeeded === 0) throw new Error(`every placement failed: ${placement.firstError ?? 'unknown error'}`);
  return { placement, returnedAt, visibleAt };
}

function lagRow(subject: string, phase: Phase, arrivals: ReadonlyMap<string, number>, note?: string): { row: BenchRow; p99Ms: number; missing: number } {
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
    ...(note ? [note] : []),
    ...(missing > 0 ? [`${missing} not seen within the drain time`] : []),
    ...(placement.errors > 0 ? [`${placement.errors} placements failed (${placement.firstError ?? '?'})`] : []),
    ...(placement.skipped > 0 ? [`${placement.skipped} of ${placement.scheduled} placements skipped (${MAX_IN_FLIGHT} awaiting an answer)`] : []),
    ...(placement.late > 0 ? [`${placement.late} placements started >10 ms late`] : []),
  ];
  const row: BenchRow = {
    subject,
    workload: phase.workload,
    rate: placement.achievedRate,
    unit: 'orders/s',
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    count: summary.count,
    errors: placement.errors + missing,
    note: notes.join('; '),
  };
  return { row, p99Ms: summary.p99Ms, missing };
}
