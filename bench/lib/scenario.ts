import type { ThrowawayDatabases } from './throwaway-databases';

/** One measured figure of a scenario, beside what it is compared with. */
export interface BenchRow {
  subject: string;
  workload: string;
  concurrency?: number;
  /** Operations (or events) per second; null when the subject could not run. */
  rate: number | null;
  unit: string;
  p50Ms?: number;
  p99Ms?: number;
  /** Operations (or events) measured. */
  count: number;
  errors?: number;
  /** `value` = this row's rate ÷ the `against` figure from the same run (or as `against` says). */
  ratio?: { value: number; against: string };
  note?: string;
}

/** A target checked against this run's figures (those of issue 16 are headlines instead, see below). */
export interface TargetCheck {
  target: string;
  actual: string;
  met: boolean;
}

/**
 * A row of the README's benchmark table (issue 16's figures), generated from the results: the figure,
 * ours beside its baseline of the same run, and the target where the issue sets one (checked here).
 */
export interface Headline {
  figure: string;
  ours: string;
  baseline: string;
  /** Ours ÷ the baseline, where that means something (`0.22 ×`). */
  ratio?: string;
  target?: { text: string; met: boolean };
}

/** One process of the system (a child of the bench, measured by pid) during one phase of a scenario. */
export interface ProcessRow {
  process: string;
  /** The load it was under. */
  phase: string;
  /** VmRSS when the phase started. */
  startRssBytes: number;
  /** Largest VmRSS sampled (every 50 ms) during the phase. */
  peakRssBytes: number;
  /** VmHWM at the end of the phase: the largest resident size since the process started, start-up included. */
  lifetimePeakBytes: number;
  /** Largest summed VmRSS of its own child processes (tsx's esbuild service), not in the figures above. */
  helperPeakBytes: number;
  /** CPU it used during the phase, in cores (1.0 = one core busy all the time). */
  cpuCores: number;
  note?: string;
}

export interface ScenarioOutcome {
  rows: BenchRow[];
  checks?: TargetCheck[];
  headlines?: Headline[];
  notes?: string[];
  /** Resident memory and CPU of the system's processes, where the scenario runs them as children. */
  processes?: ProcessRow[];
}

/** When and how a scenario's figures were measured (a published report may hold scenarios of several runs). */
export interface ScenarioRun {
  /** ISO time the scenario started. */
  date: string;
  /** The command of its run, e.g. `BENCH_SCENARIOS=api BENCH_MERGE=1 pnpm bench`. */
  command: string;
  /** 1-minute load average when the scenario started and ended. */
  loadAverage: { start: number; end: number };
}

export interface ScenarioReport extends Required<Omit<ScenarioOutcome, 'processes' | 'headlines'>>, Pick<ScenarioOutcome, 'processes' | 'headlines'> {
  run?: ScenarioRun;
  name: string;
  title: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  durationMs: number;
  /** Peak resident set size of the bench process while this scenario ran (sampled). */
  peakRssBytes: number;
}

export interface BenchSettings {
  quick: boolean;
  /** Measured time of one closed-loop measurement. */
  measureMs: number;
  warmupMs: number;
  /** Compared subjects take turns in this many rounds of `measureMs / rounds`, so load noise hits both alike. */
  rounds: number;
  concurrencies: readonly number[];
  /** Events generated for the replay scenario. */
  replayEvents: number;
  /** Longest time one replay or scan may run before it is stopped and its rate taken so far. */
  replayBudgetMs: number;
  /** Longest time the replay's event generation may run before it stops with what it has. */
  generateBudgetMs: number;
  /** Placements per second of the pipeline-lag scenario (the target is stated at 200). */
  pipelineRate: number;
  /** How long the pipeline scenario places orders at that rate, per relay configuration. */
  pipelineMs: number;
  /** Longest wait after the last placement for the read model and the emails to catch up. */
  pipelineDrainMs: number;
  /** Stored events of each growth step, ascending; the first is the reference of the ratios. */
  growthSizes: readonly number[];
  /** Calls of each query measured at each growth step. */
  growthQueryCalls: number;
  /** Whether the api scenario ends with a profiled, unmeasured pass (CPU profile, statements per request). */
  profile: boolean;
}

export interface ScenarioContext {
  settings: BenchSettings;
  /** Throwaway databases and vhosts: whatever a scenario creates is dropped when it ends. */
  databases: ThrowawayDatabases;
  /** Runs `cleanup` when the scenario ends, whatever happens, last registered first (processes, pools, folders). */
  defer(cleanup: () => unknown): void;
  /** Progress for the person watching (stderr); results go in the outcome. */
  log(line: string): void;
}

/**
 * A benchmark scenario: bounded in time, it takes its databases from `ctx.databases` and hands what it
 * starts to `ctx.defer`; the runner cleans both up. Register new ones in `scenarios/index.ts`.
 */
export interface Scenario {
  name: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** Thrown by a scenario that cannot run here: the report shows the reason instead of a figure. */
export class ScenarioSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ScenarioSkipped';
  }
}
