import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadOptions, type LoadResult, runAutocannon } from '../lib/autocannon-runner';
import { describeCpuProfile } from '../lib/cpu-profile';
import { describeMemoryFloor, measureMemoryFloor } from '../lib/memory-floor';
import { orderPlaceRequest, placeOrder } from '../lib/order-place-client';
import { runPacedLoad } from '../lib/paced-load';
import { mergePeaks, type ProcessMemoryPeak, trackProcesses } from '../lib/process-stats';
import type { BenchRow, BenchSettings, ProcessRow, Scenario, TargetCheck } from '../lib/scenario';
import { describePerUnit } from '../lib/statement-trace';
import { startApi, systemEnv } from '../lib/system-env';
import { freePort } from '@delivery/events/testing';
import { type ProcessFolder, processFolder, startNodeProcess, type SystemProcess } from '../lib/system-process';
import type { ThrowawayDatabase } from '../lib/throwaway-databases';
import { TRACE_NODE_ARGS, traceEnv, traceWindow } from '../lib/traced-window';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
const TARGET_RSS_MIB = 200;
const API = 'order.place (tRPC, HTTP)';
/** Paced requests awaiting an answer beyond which one is skipped (and counted as an error). */
const MAX_IN_FLIGHT = 128;
const BARE = 'bare Hono route, same append';
const BARE_ENTRY = fileURLToPath(new URL('../targets/bare-order-route.main.ts', import.meta.url));

type Subject = { subject: string; server: SystemProcess } & Pick<LoadOptions, 'url' | 'headers' | 'body'>;

/** What a server process did under one load: the figures, its memory, and its CPU per answered request. */
interface Loaded {
  result: LoadResult;
  peak: ProcessMemoryPeak;
  /** Requests the server served while tracked: the measured ones plus unmeasured ones (warm-up, in flight at the end). */
  served: number;
}

/**
 * `order.place` over HTTP under autocannon against a bare Hono route appending the same event: what
 * tRPC, validation, auth and pricing cost. Then both paced at half the API's peak rate, where the API's
 * p99 is the target. The API runs as its own process from its real entry point (on throwaway databases
 * and vhost), the bare route in another; each one's memory and CPU are read by pid while it is loaded.
 * Last, unmeasured, a traced copy of the API under the same closed-loop load: its statements per request
 * and a CPU profile of the load window.
 */
export const apiScenario: Scenario = {
  name: 'api',
  title: 'API: order.place over HTTP vs a bare Hono route doing the same append',
  async run({ settings, databases, log }) {
    const owned: ThrowawayDatabase[] = [];
    const started: SystemProcess[] = [];
    let folder: ProcessFolder | undefined;
    try {
      folder = await processFolder('api');
      const [mysql, postgres, vhost] = await Promise.all([databases.mysql(), databases.postgres(), databases.vhost()]);
      owned.push(mysql, postgres, vhost);
      const authSecret = randomBytes(32).toString('hex');
      const env = await systemEnv({ mysqlUrl: mysql.url, postgresUrl: postgres.url, amqpUrl: vhost.url, authSecret, apiPort: await freePort() });
      log('api: starting the API and the bare route, each in a process of its own');
      const api = await startApi(folder, env);
      started.push(api.process);
      const barePort = await freePort();
      const bare = startNodeProcess('bare-route', BARE_ENTRY, folder, { env: { NODE_ENV: 'production', MYSQL_URL: mysql.url, PORT: String(barePort) } });
      started.push(bare);
      await bare.waitForLog('bare route listening');
      const bareUrl = `http://127.0.0.1:${barePort}/orders`;
      const place = await orderPlaceRequest(api.url, authSecret);
      // One call each first: a refused request would otherwise be measured as a (fast) figure.
      await placeOrder(place);
      await assertOk(bareUrl, place.body);

      const subjects: [Subject, Subject] = [
        { subject: BARE, server: bare, url: bareUrl, headers: { 'content-type': 'application/json' }, body: place.body },
        { subject: API, server: api.process, url: place.url, headers: place.headers, body: place.body },
      ];
      const connections = Math.max(...settings.concurrencies);
      const phases = new Map<string, Loaded[]>();
      const measure = async (subject: Subject, phase: string, run: () => Promise<LoadResult>, unmeasuredRequests = 0): Promise<LoadResult> => {
        const tracker = trackProcesses({ [subject.subject]: subject.server.pid });
        let result: LoadResult | undefined;
        try {
          result = await run();
          return result;
        } finally {
          const [peak] = tracker.stop();
          const key = `${subject.subject}\u0000${phase}`;
          if (peak && result) phases.set(key, [...(phases.get(key) ?? []), { result, peak, served: result.count + result.errors + unmeasuredRequests }]);
        }
      };
      const closedLoop = (subject: Subject, seconds: number) =>
        runAutocannon({ url: subject.url, headers: subject.headers, body: subject.body, method: 'POST', connections, seconds });

      log('api: warm-up');
      for (const subject of subjects) await closedLoop(subject, Math.max(1, Math.round(settings.warmupMs / 1000)));
      log(`api: peak rate, ${connections} connections, ${settings.rounds} rounds`);
      const peakPhase = 'peak (closed loop)';
      // autocannon stops with one request in flight per connection: the server still serves those, uncounted.
      const peaks = await peakRates(subjects, settings, (subject, seconds) => measure(subject, peakPhase, () => closedLoop(subject, seconds), connections));
      const [barePeak, apiPeak] = peaks;
      const halfRate = apiPeak.perSecond / 2;
      const halfPhase = `paced ${Math.round(halfRate)}/s (½ order.place peak)`;
      log(`api: paced at ${Math.round(halfRate)}/s (half the order.place peak)`);
      const paced = (subject: Subject) =>
        measure(
          subject,
          halfPhase,
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

      const cpuPerRequest = (subject: Subject, phase: string) => {
        const loaded = phases.get(`${subject.subject}\u0000${phase}`) ?? [];
        const requests = loaded.reduce((sum, entry) => sum + entry.served, 0);
        return loaded.reduce((sum, entry) => sum + entry.peak.cpuMs, 0) / Math.max(1, requests);
      };
      const processes: ProcessRow[] = [];
      for (const subject of subjects) {
        for (const phase of [peakPhase, halfPhase]) {
          const loaded = phases.get(`${subject.subject}\u0000${phase}`) ?? [];
          const [merged] = mergePeaks([loaded.map((entry) => entry.peak)]);
          if (!merged) continue;
          processes.push({
            process: subject.server === bare ? 'bare route' : 'api',
            phase,
            startRssBytes: loaded[0]?.peak.startBytes ?? 0,
            peakRssBytes: merged.peakBytes,
            lifetimePeakBytes: merged.lifetimePeakBytes,
            helperPeakBytes: merged.helperPeakBytes,
            cpuCores: merged.cpuMs / Math.max(1, merged.wallMs),
            note: `${cpuPerRequest(subject, phase).toFixed(2)} ms CPU per request`,
          });
        }
      }
      const apiRows = processes.filter((row) => row.process === 'api');
      const apiPeakRss = Math.max(...apiRows.map((row) => row.peakRssBytes)) / 2 ** 20;
      const apiLifetime = Math.max(...apiRows.map((row) => row.lifetimePeakBytes)) / 2 ** 20;

      const diagnostics = settings.profile ? await profiledPass({ folder, env, authSecret, connections, settings, log, stopFirst: started }) : [];

      const ratio = apiPeak.perSecond / barePeak.perSecond;
      const cpuNote = (subject: Subject, phase: string) => `server CPU ${cpuPerRequest(subject, phase).toFixed(2)} ms per request`;
      const rows: BenchRow[] = [
        row(BARE, peakPhase, connections, barePeak, cpuNote(subjects[0], peakPhase)),
        { ...row(API, peakPhase, connections, apiPeak, cpuNote(subjects[1], peakPhase)), ratio: { value: ratio, against: BARE } },
        row(BARE, halfPhase, undefined, bareHalf, cpuNote(subjects[0], halfPhase)),
        row(
          API,
          halfPhase,
          undefined,
          apiHalf,
          `${cpuNote(subjects[1], halfPhase)}; p99 ${(apiHalf.p99Ms - bareHalf.p99Ms).toFixed(1)} ms above the bare route at the same rate`,
        ),
      ];
      const checks: TargetCheck[] = [
        { target: `order.place ≥ ${TARGET_RATIO} × the bare route (requests/s)`, actual: `${ratio.toFixed(2)} ×`, met: ratio >= TARGET_RATIO },
        {
          target: `order.place p99 under ${TARGET_P99_MS} ms at half the peak rate`,
          actual: `${apiHalf.p99Ms.toFixed(1)} ms at ${Math.round(apiHalf.perSecond)}/s`,
          met: apiHalf.p99Ms < TARGET_P99_MS && apiHalf.errors === 0,
        },
        {
          target: `API under ${TARGET_RSS_MIB} MB resident under load`,
          actual: `${apiPeakRss.toFixed(0)} MiB peak under load, its own process (lifetime peak ${apiLifetime.toFixed(0)} MiB)`,
          met: apiPeakRss < TARGET_RSS_MIB,
        },
      ];
      return {
        rows,
        checks,
        processes,
        notes: [
          `autocannon 9 in a child process, ${connections} connections, POST with the same JSON body to both. Peak: ${settings.rounds} ` +
            "closed-loop rounds per subject, taking turns; rate = 2xx responses over the summed time, p50 = the rounds' mean, p99 = their worst.",
          `Half the peak: one request every 1/rate s from a child process (fetch), ${settings.warmupMs / 1000} s unmeasured first, each latency counted ` +
            `from when the request was due (no coordinated omission); a request due while ${MAX_IN_FLIGHT} await an answer is skipped and counted as an error. ` +
            "autocannon's --overallRate is not used: it gives each connection a quota per second, spent in a burst at the start of each second, " +
            'so its p99 measures how fast a burst drains, not the latency at that rate.',
          `${API}: request id, request log line (pino at info), secure headers, body limit, tRPC, HS256 JWT check, ` +
            'zod input, menu pricing (a PostgreSQL query per menu kind), a read of the stream, the decider, the append, output validation. ' +
            `${BARE}: read the body, append an OrderPlaced with the same lines and total through the same event store (pool of 10, as the API's).`,
          'The API runs as a process of its own from its entry point (packages/api/src/main.ts under node --import tsx, as `pnpm delivery start api` ' +
            'runs it; NODE_ENV=production, logs at info as JSON lines to a file), on throwaway MariaDB/PostgreSQL databases and a RabbitMQ vhost; ' +
            'the bare route in another process (bench/targets/bare-order-route.main.ts). Memory: VmRSS of each pid sampled every 50 ms while it is ' +
            "loaded, and VmHWM, the kernel's lifetime high-water mark (start-up included); tsx's esbuild service, when it runs (not when " +
            "tsx's cache holds every file compiled), is a child process of each, reported apart. CPU per request: the server process's user+system time over the load divided by the requests answered.",
          ...diagnostics,
        ],
      };
    } finally {
      for (const running of started) await running.stop().catch((error: unknown) => log(`api: could not stop ${running.name}: ${String(error)}`));
      for (const resource of owned) await resource.drop().catch((error: unknown) => log(`api: could not drop ${resource.name}: ${String(error)}`));
      await folder?.remove();
    }
  },
};

/**
 * The unmeasured diagnostic pass: the measured processes are stopped, a traced API is started on the same
 * databases and loaded closed-loop as in the peak phase; it reports what it sent to each database per
 * request and a CPU profile of the window. Tracing and profiling slow it, so its rate is not a figure.
 */
async function profiledPass(options: {
  folder: ProcessFolder;
  env: Record<string, string>;
  authSecret: string;
  connections: number;
  settings: BenchSettings;
  log(line: string): void;
  stopFirst: readonly SystemProcess[];
}): Promise<string[]> {
  const { folder, env, authSecret, connections, settings, log } = options;
  for (const running of options.stopFirst) await running.stop();
  log('api: profiled pass (traced API, not measured)');
  const dir = path.join(folder.path, 'trace');
  const traced = await startApi(folder, { ...env, ...traceEnv(dir) }, TRACE_NODE_ARGS);
  try {
    const place = await orderPlaceRequest(traced.url, authSecret);
    const load = (seconds: number) => runAutocannon({ url: place.url, headers: place.headers, body: place.body, method: 'POST', connections, seconds });
    await load(Math.max(1, Math.round(settings.warmupMs / 1000)));
    const seconds = Math.max(2, Math.round(settings.measureMs / settings.rounds / 1000));
    const window = await traceWindow(traced.process, dir, () => load(seconds));
    // The API's own count: autocannon leaves out the answers still in flight when it stops.
    const requests = window.requests;
    const databaseOf = (name: string) =>
      env.MYSQL_URL?.endsWith(`/${name}`) ? 'MariaDB (events, read model)' : env.POSTGRES_URL?.endsWith(`/${name}`) ? 'PostgreSQL (menu)' : name;
    const statements = Object.entries(window.statements)
      .filter(([, profile]) => profile.statements > 0)
      .map(([database, profile]) => `${databaseOf(database)}: ${describePerUnit(profile, requests, 'order.place')}`);
    const floors = await measureMemoryFloor();
    return [
      `Profiled pass (after the measurements, not measured: a fresh API process with the statement trace and the inspector's CPU profiler, ` +
        `${connections} connections closed-loop for ${seconds} s, ${Math.round(window.result.perSecond)} requests/s while traced). ` +
        `Statements sent per order.place: ${statements.join(' | ')}.`,
      `API ${describeCpuProfile(window.cpu, requests, 'order.place')}`,
      `Memory floor (fresh processes that only load modules, nothing started): ${describeMemoryFloor(floors)}.`,
    ];
  } finally {
    await traced.process.stop();
  }
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
  const count = results.reduce((sum, result) => sum + result.count, 0);
  const seconds = results.reduce((sum, result) => sum + result.seconds, 0);
  return {
    perSecond: count / seconds,
    p50Ms: results.reduce((sum, result) => sum + result.p50Ms, 0) / results.length,
    p99Ms: Math.max(...results.map((result) => result.p99Ms)),
    maxMs: Math.max(...results.map((result) => result.maxMs)),
    count,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    seconds,
  };
}

function row(subject: string, workload: string, concurrency: number | undefined, result: LoadResult, note?: string): BenchRow {
  const notes = [`max ${result.maxMs.toFixed(0)} ms`, ...(note ? [note] : [])];
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
    note: notes.join('; '),
  };
}

async function assertOk(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  await response.arrayBuffer();
}
