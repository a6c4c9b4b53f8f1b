import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { describeMachine } from './lib/machine';
import { mergeIntoPublished } from './lib/merge-results';
import { type BenchReport, renderMarkdown, renderText } from './lib/report';
import { cleanupStack } from './lib/cleanup-stack';
import { residentBytes, trackProcesses } from './lib/process-stats';
import { readmeTable, withReadmeTable } from './lib/readme-table';
import { type BenchSettings, type Scenario, type ScenarioReport, ScenarioSkipped } from './lib/scenario';
import { stopAllSystemProcesses } from './lib/system-process';
import { ThrowawayDatabases } from './lib/throwaway-databases';

/*
 * `pnpm bench`: runs every registered scenario in turn, each bounded in time, on throwaway databases and
 * RabbitMQ vhosts (`bench_<hex>`, dropped at the end whatever happens), prints the tables and writes
 * bench/results/. The API and the workers run as child processes of their real entry points (api and pipeline
 * scenarios), measured by pid; load generators run in child processes; the append targets run in this process.
 *   BENCH_PROFILE=0        skip the profiled diagnostic pass of the api scenario (CPU profile, statements per request)
 *   BENCH_QUICK=1          ~2 minute smoke run (short measurements, small replay and growth), written to results/quick.*
 *   BENCH_SCENARIOS=a,b    run only these scenarios (names as in scenarios/index.ts), written to results/partial.*
 *   BENCH_MERGE=1          with BENCH_SCENARIOS: also replace those scenarios (if they ran to the end) in results/latest.*,
 *                          keeping the others; each scenario there says when and with which command it was measured
 * A full run and a merge also write the README's benchmark table (between its bench:table markers) from latest.json.
 *   BENCH_SECONDS=n        measured seconds of each closed-loop measurement
 *   BENCH_REPLAY_EVENTS=n  events generated for the replay scenario
 *   BENCH_PIPELINE_RATE=n  placements per second asked of the whole system in the pipeline scenario (200; its latency targets are at 100)
 *   BENCH_GROWTH_SIZES=a,b stored events of each growth step (10000,100000,1000000; quick: the first two)
 *   BENCH_MYSQL_URL / BENCH_POSTGRES_URL  servers to use (127.0.0.1 only)
 */

const env = process.env;
// Code of the system that runs in this process (the stores, the projections in the replay and growth
// scenarios) runs as in production: libraries that pick a build from NODE_ENV when first loaded must see it
// before any scenario is imported. The API and workers in child processes get NODE_ENV=production explicitly.
env.NODE_ENV ??= 'production';
const quick = env.BENCH_QUICK === '1';
const positive = (name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
};

const sizes = (name: string, fallback: number[]): number[] => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value <= 0)) throw new Error(`${name} must list positive integers, not "${raw}"`);
  return values.sort((a, b) => a - b);
};

const settings: BenchSettings = {
  quick,
  measureMs: positive('BENCH_SECONDS', quick ? 1 : 5) * 1000,
  warmupMs: quick ? 200 : 1000,
  rounds: quick ? 2 : 3,
  concurrencies: [1, 8, 32],
  replayEvents: Math.round(positive('BENCH_REPLAY_EVENTS', quick ? 50_000 : 1_000_000)),
  replayBudgetMs: quick ? 15_000 : 60_000,
  generateBudgetMs: quick ? 15_000 : 120_000,
  pipelineRate: positive('BENCH_PIPELINE_RATE', 200),
  pipelineMs: quick ? 2_000 : 10_000,
  pipelineDrainMs: quick ? 8_000 : 20_000,
  growthSizes: sizes('BENCH_GROWTH_SIZES', quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]),
  growthQueryCalls: quick ? 500 : 2_000,
  profile: env.BENCH_PROFILE !== '0',
};
const urls = {
  mysql: env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/',
  postgres: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<number> {
  const { scenarios }: { scenarios: readonly Scenario[] } = await import('./scenarios');
  const listed =
    env.BENCH_SCENARIOS?.split(',')
      .map((name) => name.trim())
      .filter(Boolean) ?? [];
  const wanted = listed.length > 0 ? listed : undefined;
  const unknown = wanted?.filter((name) => !scenarios.some((scenario) => scenario.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const selected = scenarios.filter((scenario) => !wanted || wanted.includes(scenario.name));

  const databases = new ThrowawayDatabases(urls);
  // A signal stops the run: no further scenario starts, nothing is written, every throwaway resource goes.
  const interruption = { signal: null as string | null };
  const interrupted = async (signal: string, exitCode = 130) => {
    if (interruption.signal) return;
    interruption.signal = signal;
    log(`${signal}: dropping throwaway databases`);
    // What still runs in this process fails as its databases go: let it, and finish the drops.
    process.on('unhandledRejection', () => undefined);
    process.on('uncaughtException', () => undefined);
    // The processes of the system the bench started, by their pids, before their databases go.
    await stopAllSystemProcesses();
    await databases.dropAll();
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void interrupted('SIGINT'));
  process.once('SIGTERM', () => void interrupted('SIGTERM'));
  // A library's unhandled 'error' event (a pool losing an idle connection) would end the process with its
  // databases and child processes left behind: clean up as for a signal, and fail the run.
  process.once('uncaughtException', (error) => {
    log(`uncaught: ${error.stack ?? error.message}`);
    void interrupted('uncaught exception', 1);
  });

  const merge = env.BENCH_MERGE === '1';
  if (merge && (!wanted || quick))
    throw new Error('BENCH_MERGE=1 replaces some scenarios of the published results: use it with BENCH_SCENARIOS, without BENCH_QUICK');
  const command = `${quick ? 'BENCH_QUICK=1 ' : ''}${env.BENCH_SCENARIOS ? `BENCH_SCENARIOS=${env.BENCH_SCENARIOS} ` : ''}${merge ? 'BENCH_MERGE=1 ' : ''}pnpm bench`;
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const machine = await describeMachine(urls);
  const reports: ScenarioReport[] = [];
  try {
    for (const scenario of selected) {
      if (interruption.signal) break;
      log(`scenario ${scenario.name}: ${scenario.title}`);
      reports.push(await runScenario(scenario, command, databases));
    }
  } finally {
    const leftovers = await databases.dropAll();
    if (leftovers.length > 0) log(`could not drop: ${leftovers.join(', ')} (drop them by hand)`);
  }
  if (interruption.signal) {
    log(`${interruption.signal}: stopped; no results written`);
    return 130;
  }

  const report: BenchReport = {
    machine,
    settings,
    command,
    durationMs: performance.now() - started,
    maxRssBytes: residentBytes(process.pid)?.hwm ?? 0,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
    scenarios: reports,
  };
  process.stdout.write(renderText(report));
  const folder = new URL('./results/', import.meta.url);
  await mkdir(folder, { recursive: true });
  const write = async (name: string, written: BenchReport) => {
    await writeFile(new URL(`${name}.json`, folder), `${JSON.stringify(written, null, 2)}\n`);
    await writeFile(new URL(`${name}.md`, folder), renderMarkdown(written));
    log(`wrote bench/results/${name}.json and ${name}.md`);
  };
  // A smoke run never overwrites the published full figures, nor does a run of some scenarios only.
  await write(wanted ? 'partial' : quick ? 'quick' : 'latest', report);
  if (merge) {
    // Only scenarios that ran to the end replace their published section.
    const published = JSON.parse(await readFile(new URL('latest.json', folder), 'utf8')) as BenchReport;
    await write(
      'latest',
      mergeIntoPublished(
        published,
        report,
        scenarios.map((scenario) => scenario.name),
      ),
    );
  }
  if (merge || (!wanted && !quick)) {
    // The README's table, from what latest.json now holds.
    const latest = JSON.parse(await readFile(new URL('latest.json', folder), 'utf8')) as BenchReport;
    const readme = new URL('../README.md', import.meta.url);
    await writeFile(readme, withReadmeTable(await readFile(readme, 'utf8'), readmeTable(latest)));
    log('wrote the benchmark table of README.md from bench/results/latest.json');
  }
  return reports.some((scenario) => scenario.status === 'failed') ? 1 : 0;
}

/** One scenario, its clean-ups and its databases gone by the time it returns, its failure a report rather than a throw. */
async function runScenario(scenario: Scenario, command: string, databases: ThrowawayDatabases): Promise<ScenarioReport> {
  // This process's own resident size, sampled as the system's processes are: the peak while this scenario ran.
  const rss = trackProcesses({ bench: process.pid });
  const started = performance.now();
  const date = new Date().toISOString();
  const loadStart = os.loadavg()[0] ?? 0;
  const cleanups = cleanupStack((error) => log(`${scenario.name}: clean-up failed: ${String(error)}`));
  const base = { name: scenario.name, title: scenario.title, rows: [], checks: [], notes: [] };
  let outcome: Partial<ScenarioReport>;
  try {
    const result = await scenario.run({ settings, databases, defer: cleanups.defer, log });
    outcome = { ...result, checks: result.checks ?? [], notes: result.notes ?? [], status: 'ok' };
  } catch (error) {
    const status = error instanceof ScenarioSkipped ? 'skipped' : 'failed';
    const message = error instanceof Error ? error.message : String(error);
    log(`scenario ${scenario.name} ${status}: ${error instanceof Error && status === 'failed' ? (error.stack ?? message) : message}`);
    outcome = { status, error: message };
  } finally {
    await cleanups.run();
    await databases.dropAll();
  }
  return {
    ...base,
    status: 'failed',
    ...outcome,
    durationMs: performance.now() - started,
    peakRssBytes: rss.stop()[0]?.peakBytes ?? 0,
    run: { date, command, loadAverage: { start: loadStart, end: os.loadavg()[0] ?? 0 } },
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
