import { fileURLToPath } from 'node:url';
import { freePort } from '@delivery/events/testing';
import { type LoadOptions, type LoadResult, runAutocannon } from '../lib/autocannon-runner';
import { describeCpuProfile } from '../lib/cpu-profile';
import { httpPost } from '../lib/http-post';
import { describeMemoryFloor, measureMemoryFloor } from '../lib/memory-floor';
import { placeOrder } from '../lib/order-place-client';
import { runPacedLoad } from '../lib/paced-load';
import { memoryChecks, mergePeaks, type ProcessMemoryPeak, processRow, trackProcesses } from '../lib/process-stats';
import { integer } from '../lib/report';
import type { BenchRow, BenchSettings, Headline, Scenario, ScenarioContext } from '../lib/scenario';
import { describePerUnit } from '../lib/statement-trace';
import { RUNNER, type RunningSystem, startSystem } from '../lib/system';
import { type SystemProcess, startNodeProcess } from '../lib/system-process';
import { startTraced, traceWindow } from '../lib/traced-window';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
const TARGET_CPU_MS = 0.6;
const TARGET_RSS_MIB = 200;
const API = 'order.place (tRPC, HTTP)';
/** Paced requests awaiting an answer beyond which one is skipped (and counted as an error). */
const MAX_IN_FLIGHT = 128;
const BARE = 'bare Hono route, same append';
const BARE_ENTRY = fileURLToPath(new URL('../targets/bare-order-route.main.ts', import.meta.url));
const PEAK = 'peak (closed loop)';

/**
 * `order.place` over HTTP under autocannon against a bare Hono route appending the same event: what
 * tRPC, validation, auth and pricing cost. Then both paced at half the API's peak rate, where the API's
 * p99 is the target. The API runs as its own process (built code), the bare route in another; each one's
 * memory and CPU are read by pid while it is loaded. Last, unmeasured, a traced API under the same
 * closed-loop load: its statements per request and a CPU profile of the load window.
 */
export const apiScenario: Scenario = {
  name: 'api',
  title: 'API: order.place over HTTP vs a bare Hono route doing the same append',
  async run(ctx) {
    const { settings, log } = ctx;
    const connections = Math.max(...settings.concurrencies);
    log('api: starting the API and the bare route, each in a process of its own');
    const system = await startSystem(ctx, { label: 'api', code: 'built', workers: [] });
    const [place] = system.place;
    const [api] = system.processes();
    if (!place || !api) throw new Error('the API did not start');
    const barePort = await freePort();
    const bare = startNodeProcess('bare-route', BARE_ENTRY, system.folder, {
      env: { NODE_ENV: 'production', MYSQL_URL: system.mysqlUrl, PORT: String(barePort) },
    });
    ctx.defer(() => bare.stop());
    await bare.waitForLog('bare route listening');
    const subjects: [Subject, Subject] = [
      {
        subject: BARE,
        process: 'bare route',
        server: bare,
        url: `http://127.0.0.1:${barePort}/orders`,
        headers: { 'content-type': 'application/json' },
        body: place.body,
      },
      { subject: API, process: 'api', server: api, url: place.url, headers: place.headers, body: place.body },
    ];
    // One call each first: a refused request would otherwise be measured as a (fast) figure.
    await placeOrder(place);
    await assertOk(subjects[0]);

    const loaded: Loaded[] = [];
    const measure = async (subject: Subject, phase: string, run: () => Promise<LoadResult>, unmeasured: number) => {
      const tracker = trackProcesses({ [subject.process]: subject.server.pid });
      const result = await run();
      const [peak] = tracker.stop();
      if (peak) loaded.push({ subject, phase, result, peak, served: result.count + result.errors + unmeasured });
      return result;
    };
    const closedLoop = (subject: Subject, seconds: number) =>
      runAutocannon({ url: subject.url, headers: subject.headers, body: subject.body, method: 'POST', connections, seconds });

    log('api: warm-up');
    for (const subject of subjects) await closedLoop(subject, Math.max(1, Math.round(settings.warmupMs / 1000)));
    log(`api: peak rate, ${connections} connections, ${settings.rounds} rounds`);
    // autocannon stops with one request in flight per connection: the server still serves those, uncounted.
    const [barePeak, apiPeak] = await peakRates(subjects, settings, (subject, seconds) =>
      measure(subject, PEAK, () => closedLoop(subject, seconds), connections),
    );
    // At least one a second: a starved API (none answered) must still give a paced figure.
    const halfRate = Math.max(1, apiPeak.perSecond / 2);
    const half = `paced ${Math.round(halfRate)}/s (½ order.place peak)`;
    log(`api: paced at ${Math.round(halfRate)}/s (half the order.place peak)`);
    const paced = (subject: Subject) =>
      measure(
        subject,
        half,
        () =>
          runPacedLoad({
            url: subject.url,
            headers: subject.headers,
            body: subject.body ?? '',
            rate: halfRate,
            seconds: Math.max(1, Math.round(settings.measureMs / 1000)),
            warmupMs: settings.warmupMs,
            maxInFlight: MAX_IN_FLIGHT,
          }),
        Math.round((halfRate * settings.warmupMs) / 1000),
      );
    const bareHalf = await paced(subjects[0]);
    const apiHalf = await paced(subjects[1]);

    const of = (subject: Subject, phase: string) => loaded.filter((entry) => entry.subject === subject && entry.phase === phase);
    const cpuPerRequest = (subject: Subject, phase: string) =>
      of(subject, phase).reduce((sum, entry) => sum + entry.peak.cpuMs, 0) /
      Math.max(
        1,
        of(subject, phase).reduce((sum, entry) => sum + entry.served, 0),
      );
    const processes = subjects.flatMap((subject) =>
      [PEAK, half].flatMap((phase) => {
        const [merged] = mergePeaks([of(subject, phase).map((entry) => entry.peak)]);
        return merged ? [processRow(merged, phase, `${cpuPerRequest(subject, phase).toFixed(2)} ms CPU per request`)] : [];
      }),
    );
    await bare.stop();
    const diagnostics = settings.profile ? await profiledPass(ctx, system, connections) : [];

    const ratio = apiPeak.perSecond / barePeak.perSecond;
    const cpuNote = (subject: Subject, phase: string) => `server CPU ${cpuPerRequest(subject, phase).toFixed(2)} ms per request`;
    const rows: BenchRow[] = [
      row(BARE, PEAK, connections, barePeak, cpuNote(subjects[0], PEAK)),
      { ...row(API, PEAK, connections, apiPeak, cpuNote(subjects[1], PEAK)), ratio: { value: ratio, against: BARE } },
      row(BARE, half, undefined, bareHalf, cpuNote(subjects[0], half)),
      row(
        API,
        half,
        undefined,
        apiHalf,
        `${cpuNote(subjects[1], half)}; p99 ${(apiHalf.p99Ms - bareHalf.p99Ms).toFixed(1)} ms above the bare route at the same rate`,
      ),
    ];
    const apiCpu = cpuPerRequest(subjects[1], PEAK);
    const headlines: Headline[] = [
      {
        figure: `\`order.place\` requests/s (${connections} connections)`,
        ours: integer(apiPeak.perSecond),
        baseline: `bare Hono route, same append: ${integer(barePeak.perSecond)}`,
        ratio: `${ratio.toFixed(2)} ×`,
        target: { text: `≥ ${TARGET_RATIO} ×`, met: ratio >= TARGET_RATIO },
      },
      {
        figure: `\`order.place\` p99 at half its peak (${Math.round(halfRate)}/s)`,
        ours: `${apiHalf.p99Ms.toFixed(1)} ms`,
        baseline: `bare route: ${bareHalf.p99Ms.toFixed(1)} ms`,
        target: { text: `< ${TARGET_P99_MS} ms`, met: apiHalf.p99Ms < TARGET_P99_MS && apiHalf.errors === 0 },
      },
      {
        figure: `server CPU per \`order.place\` (${connections} connections)`,
        ours: `${apiCpu.toFixed(2)} ms`,
        baseline: `bare route: ${cpuPerRequest(subjects[0], PEAK).toFixed(2)} ms`,
        target: { text: `≤ ${TARGET_CPU_MS} ms`, met: apiCpu <= TARGET_CPU_MS },
      },
    ];
    return {
      rows,
      headlines,
      checks: memoryChecks(
        processes.filter((process) => process.process === 'api'),
        TARGET_RSS_MIB,
      ),
      processes,
      notes: [
        `autocannon 9 in a child process, ${connections} connections, POST with the same JSON body to both. Peak: ${settings.rounds} ` +
          "closed-loop rounds per subject, taking turns; rate = 2xx responses over the summed time, p50 = the rounds' mean, p99 = their worst.",
        `Half the peak: one request every 1/rate s from a child process (node:http, kept-alive sockets), ${settings.warmupMs / 1000} s unmeasured first, each latency counted ` +
          `from when the request was due (no coordinated omission); a request due while ${MAX_IN_FLIGHT} await an answer is skipped and counted as an error. ` +
          "autocannon's --overallRate is not used: it gives each connection a quota per second, spent in a burst at the start of each second, " +
          'so its p99 measures how fast a burst drains, not the latency at that rate.',
        `${API}: request id, request log line (pino at info), secure headers, body limit, tRPC, HS256 JWT check, ` +
          'zod input, menu pricing, a read of the stream, the decider, the append, output validation. ' +
          `${BARE}: read the body, append an OrderPlaced with the same lines and total through the same event store (pool of 10, as the API's).`,
        `The API runs as a process of its own from its entry point (${RUNNER.built}, as \`delivery start api\` and the image run it; ` +
          'NODE_ENV=production, logs at info as JSON lines to a file), on throwaway MariaDB/PostgreSQL databases and a RabbitMQ vhost; ' +
          `the bare route in another process (bench/targets/bare-order-route.main.ts, ${RUNNER.source}). Memory: VmRSS of each pid sampled every 50 ms while it is ` +
          "loaded, and VmHWM, the kernel's lifetime high-water mark (start-up included); tsx's esbuild service, when it runs (not when " +
          "tsx's cache holds every file compiled), is a child process, reported apart. CPU per request: the server process's user+system time " +
          'over the load divided by the requests it served (measured, warm-up and in flight at the end).',
        ...diagnostics,
      ],
    };
  },
};

/**
 * The unmeasured diagnostic pass: a traced API replaces the measured one on the same databases and is
 * loaded closed-loop as in the peak phase; it reports what it sent to each database per request and a
 * CPU profile of the window. Tracing and profiling slow it, so its rate is not a figure.
 */
async function profiledPass(ctx: ScenarioContext, system: RunningSystem, connections: number): Promise<string[]> {
  const { settings, log } = ctx;
  log('api: profiled pass (traced API, not measured)');
  const traced = await startTraced(system, 'api');
  const place = system.place[0];
  if (!place) throw new Error('no order.place request');
  const load = (seconds: number) => runAutocannon({ url: place.url, headers: place.headers, body: place.body, method: 'POST', connections, seconds });
  await load(Math.max(1, Math.round(settings.warmupMs / 1000)));
  const seconds = Math.max(2, Math.round(settings.measureMs / settings.rounds / 1000));
  const window = await traceWindow(traced.process, traced.dir, () => load(seconds));
  // The API's own count: autocannon leaves out the answers still in flight when it stops.
  const { env } = system;
  const databaseOf = (name: string) =>
    env.MYSQL_URL?.endsWith(`/${name}`) ? 'MariaDB (events, read model)' : env.POSTGRES_URL?.endsWith(`/${name}`) ? 'PostgreSQL (menu)' : name;
  const statements = Object.entries(window.statements)
    .filter(([, profile]) => profile.statements > 0)
    .map(([database, profile]) => `${databaseOf(database)}: ${describePerUnit(profile, window.requests, 'order.place')}`);
  const floors = await measureMemoryFloor();
  return [
    `Profiled pass (after the measurements, not measured: a fresh API process with the statement trace and the inspector's CPU profiler, ` +
      `${connections} connections closed-loop for ${seconds} s, ${Math.round(window.result.perSecond)} requests/s while traced). ` +
      `Statements sent per order.place: ${statements.join(' | ')}.`,
    `API ${describeCpuProfile(window.cpu, window.requests, 'order.place')}`,
    `Memory floor (fresh processes that only load modules, nothing started): ${describeMemoryFloor(floors)}.`,
  ];
}

type Subject = { subject: string; process: string; server: SystemProcess } & Pick<LoadOptions, 'url' | 'headers' | 'body'>;

/** What a server process did under one load: the figures, its memory, and the requests it served meanwhile. */
interface Loaded {
  subject: Subject;
  phase: string;
  result: LoadResult;
  peak: ProcessMemoryPeak;
  /** The measured requests plus unmeasured ones (warm-up, in flight at the end). */
  served: number;
}

/** Closed-loop rounds taking turns (A, B, A, B, ...), so load from elsewhere falls on both alike. */
async function peakRates(
  subjects: readonly [Subject, Subject],
  settings: BenchSettings,
  load: (subject: Subject, seconds: number) => Promise<LoadResult>,
): Promise<[LoadResult, LoadResult]> {
  const seconds = Math.max(1, Math.round(settings.measureMs / settings.rounds / 1000));
  const rounds: [LoadResult[], LoadResult[]] = [[], []];
  for (let round = 0; round < settings.rounds; round++) {
    rounds[0].push(await load(subjects[0], seconds));
    rounds[1].push(await load(subjects[1], seconds));
  }
  return [mergeRounds(rounds[0]), mergeRounds(rounds[1])];
}

function mergeRounds(results: readonly LoadResult[]): LoadResult {
  const sum = (pick: (result: LoadResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return {
    perSecond: sum((result) => result.count) / sum((result) => result.seconds),
    p50Ms: sum((result) => result.p50Ms) / results.length,
    p99Ms: Math.max(...results.map((result) => result.p99Ms)),
    maxMs: Math.max(...results.map((result) => result.maxMs)),
    count: sum((result) => result.count),
    errors: sum((result) => result.errors),
    seconds: sum((result) => result.seconds),
  };
}

function row(subject: string, workload: string, concurrency: number | undefined, result: LoadResult, note: string): BenchRow {
  return {
    subject,
    workload,
    ...(concurrency === undefined ? {} : { concurrency }),
    rate: result.perSecond,
    unit: 'requests/s',
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    count: result.count,
    errors: result.errors,
    note: `max ${result.maxMs.toFixed(0)} ms; ${note}`,
  };
}

async function assertOk(subject: Subject): Promise<void> {
  const { status, body } = await httpPost(subject.url, subject.headers, subject.body ?? '');
  if (status < 200 || status > 299) throw new Error(`${subject.url} answered ${status}: ${body.slice(0, 300)}`);
}
