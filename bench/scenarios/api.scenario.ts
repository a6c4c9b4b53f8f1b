import { randomBytes } from 'node:crypto';
import { startApiProcess, type RunningApi } from '@delivery/api';
import { type LoadOptions, type LoadResult, runAutocannon } from '../lib/autocannon-runner';
import { discardLogger } from '../lib/discard-logger';
import { orderPlaceRequest, placeOrder } from '../lib/order-place-client';
import { runPacedLoad } from '../lib/paced-load';
import { trackPeakRss } from '../lib/peak-rss';
import type { BenchRow, BenchSettings, Scenario } from '../lib/scenario';
import type { ThrowawayDatabase } from '../lib/throwaway-databases';
import { type BareOrderRoute, startBareOrderRoute } from '../targets/bare-order-route';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
const TARGET_RSS_MIB = 200;
const API = 'order.place (tRPC, HTTP)';
/** Paced requests awaiting an answer beyond which one is skipped (and counted as an error). */
const MAX_IN_FLIGHT = 128;
const BARE = 'bare Hono route, same append';

type Subject = { subject: string } & Pick<LoadOptions, 'url' | 'headers' | 'body'>;

/**
 * `order.place` over HTTP under autocannon against a bare Hono route appending the same event: what
 * tRPC, validation, auth and pricing cost. Then both paced at half the API's peak rate, where the API's
 * p99 is the target. The API runs in this process (as `startApiProcess` boots it, on throwaway databases
 * and vhost); the load comes from child processes.
 */
export const apiScenario: Scenario = {
  name: 'api',
  title: 'API: order.place over HTTP vs a bare Hono route doing the same append',
  async run({ settings, databases, log }) {
    const owned: ThrowawayDatabase[] = [];
    let api: RunningApi | undefined;
    let bare: BareOrderRoute | undefined;
    try {
      const [mysql, postgres, vhost] = await Promise.all([databases.mysql(), databases.postgres(), databases.vhost()]);
      owned.push(mysql, postgres, vhost);
      const authSecret = randomBytes(32).toString('hex');
      log('api: starting the API and the bare route');
      const rssBefore = process.memoryUsage.rss();
      api = await startApiProcess(
        {
          NODE_ENV: 'production',
          PORT: '0',
          MYSQL_URL: mysql.url,
          POSTGRES_URL: postgres.url,
          AMQP_URL: vhost.url,
          AUTH_SECRET: authSecret,
          LOG_LEVEL: 'info',
        },
        discardLogger('api'),
      );
      bare = await startBareOrderRoute(mysql.url);
      const place = await orderPlaceRequest(api.url, authSecret);
      // One call each first: a refused request would otherwise be measured as a (fast) figure.
      await placeOrder(place);
      await assertOk(bare.url, place.body);

      const subjects: [Subject, Subject] = [
        { subject: BARE, url: bare.url, headers: { 'content-type': 'application/json' }, body: place.body },
        { subject: API, url: place.url, headers: place.headers, body: place.body },
      ];
      const connections = Math.max(...settings.concurrencies);
      const apiRss = { peak: 0 };
      const load = async (subject: Subject, options: { seconds: number }) => {
        const rss = subject.subject === API ? trackPeakRss() : null;
        try {
          return await runAutocannon({ ...subject, method: 'POST', connections, ...options });
        } finally {
          if (rss) apiRss.peak = Math.max(apiRss.peak, rss.stop());
        }
      };

      log('api: warm-up');
      for (const subject of subjects) await load(subject, { seconds: Math.max(1, Math.round(settings.warmupMs / 1000)) });
      log(`api: peak rate, ${connections} connections, ${settings.rounds} rounds`);
      const peaks = await peakRates(subjects, settings, (subject, seconds) => load(subject, { seconds }));
      const [barePeak, apiPeak] = peaks;
      const halfRate = apiPeak.perSecond / 2;
      log(`api: paced at ${Math.round(halfRate)}/s (half the order.place peak)`);
      const paced = async (subject: Subject) => {
        const rss = subject.subject === API ? trackPeakRss() : null;
        try {
          return await runPacedLoad({
            url: subject.url,
            headers: subject.headers,
            body: subject.body ?? '',
            rate: halfRate,
            seconds: Math.max(1, Math.round(settings.measureMs / 1000)),
            warmupMs: settings.warmupMs,
            maxInFlight: MAX_IN_FLIGHT,
          });
        } finally {
          if (rss) apiRss.peak = Math.max(apiRss.peak, rss.stop());
        }
      };
      const bareHalf = await paced(subjects[0]);
      const apiHalf = await paced(subjects[1]);

      const ratio = apiPeak.perSecond / barePeak.perSecond;
      const rssMiB = apiRss.peak / 2 ** 20;
      const peakWorkload = 'peak (closed loop)';
      const halfWorkload = `paced ${Math.round(halfRate)}/s (½ order.place peak)`;
      const rows: BenchRow[] = [
        row(BARE, peakWorkload, connections, barePeak),
        { ...row(API, peakWorkload, connections, apiPeak), ratio: { value: ratio, against: BARE } },
        row(BARE, halfWorkload, undefined, bareHalf),
        row(API, halfWorkload, undefined, apiHalf, `p99 ${(apiHalf.p99Ms - bareHalf.p99Ms).toFixed(1)} ms above the bare route at the same rate`),
      ];
      return {
        rows,
        checks: [
          { target: `order.place ≥ ${TARGET_RATIO} × the bare route (requests/s)`, actual: `${ratio.toFixed(2)} ×`, met: ratio >= TARGET_RATIO },
          {
            target: `order.place p99 under ${TARGET_P99_MS} ms at half the peak rate`,
            actual: `${apiHalf.p99Ms.toFixed(1)} ms at ${Math.round(apiHalf.perSecond)}/s`,
            met: apiHalf.p99Ms < TARGET_P99_MS && apiHalf.errors === 0,
          },
          {
            target: `API under ${TARGET_RSS_MIB} MB resident under load`,
            actual: `≤ ${rssMiB.toFixed(0)} MiB: an upper bound, the bench process hosting the API (${(rssBefore / 2 ** 20).toFixed(0)} MiB before it started)`,
            met: rssMiB < TARGET_RSS_MIB,
          },
        ],
        notes: [
          `autocannon 9 in a child process, ${connections} connections, POST with the same JSON body to both. Peak: ${settings.rounds} ` +
            "closed-loop rounds per subject, taking turns; rate = 2xx responses over the summed time, p50 = the rounds' mean, p99 = their worst.",
          `Half the peak: one request every 1/rate s from a child process (fetch), ${settings.warmupMs / 1000} s unmeasured first, each latency counted ` +
            `from when the request was due (no coordinated omission); a request due while ${MAX_IN_FLIGHT} await an answer is skipped and counted as an error. ` +
            "autocannon's --overallRate is not used: it gives each connection a quota per second, spent in a burst at the start of each second, " +
            'so its p99 measures how fast a burst drains, not the latency at that rate.',
          `${API}: request id, request log line (pino at info, to /dev/null), secure headers, body limit, tRPC, HS256 JWT check, ` +
            'zod input, menu pricing (a PostgreSQL query per menu kind), a read of the stream, the decider, the append, output validation. ' +
            `${BARE}: read the body, append an OrderPlaced with the same lines and total through the same event store (pool of 10, as the API's).`,
          `The API runs inside the bench process (startApiProcess on throwaway MariaDB/PostgreSQL databases and RabbitMQ vhost, NODE_ENV=production), ` +
            "so its resident memory is the bench process's, sampled every 50 ms while order.place is loaded (the load generators are not counted); " +
            'the figure before the API started is the bench alone (every scenario\'s code loaded, the API\'s included). ' +
            'startApiProcess listens on 0.0.0.0 (it has no host setting); the load goes to 127.0.0.1 only.',
        ],
      };
    } finally {
      await api?.stop().catch((error: unknown) => log(`api: stop failed: ${String(error)}`));
      await bare?.close().catch((error: unknown) => log(`api: bare route close failed: ${String(error)}`));
      for (const resource of owned) await resource.drop().catch((error: unknown) => log(`api: could not drop ${resource.name}: ${String(error)}`));
    }
  },
};

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
