import type { AppendTargetFactory } from '../targets/append-target';
import { APPEND_WORKLOADS, appendRow, compareAppends, describeAppendProfile } from './append-workload';
import { type BenchRow, type ScenarioContext, ScenarioSkipped, type TargetCheck } from './scenario';

export interface AppendComparison {
  /** Prefix of the progress lines. */
  label: string;
  /** What the subjects are compared with (raw inserts, Emmett), measured in the same turns. */
  baseline: AppendTargetFactory;
  subjects: readonly AppendTargetFactory[];
  /** The target at the top concurrency: each subject's rate ≥ `ratio` × the baseline's. */
  target: { ratio: number; baselineName: string };
  /** A baseline that cannot start at all is reported as a skipped scenario rather than a failure (the peer). */
  skipIfBaselineCannotStart?: boolean;
}

export interface AppendComparisonResult {
  rows: BenchRow[];
  checks: TargetCheck[];
  /** Per append, at the lowest and the highest concurrency: statements, CPU, server counters. */
  profileNotes: string[];
}

/**
 * The body of the append and peer scenarios: every workload at every concurrency, the subjects taking
 * turns with the baseline on fresh databases, one row each with its ratio to the baseline, the target
 * checked at the top concurrency, and the profile of each at the lowest and highest concurrency.
 * @example await runAppendComparison(ctx, { label: 'append', baseline: rawMysqlTarget(db), subjects: [mysqlEventStoreTarget(db)], target: { ratio: 0.8, baselineName: 'raw inserts' } })
 */
export async function runAppendComparison(ctx: ScenarioContext, comparison: AppendComparison): Promise<AppendComparisonResult> {
  const { settings, log } = ctx;
  const rows: BenchRow[] = [];
  const checks: TargetCheck[] = [];
  const profileNotes: string[] = [];
  const top = Math.max(...settings.concurrencies);
  const bottom = Math.min(...settings.concurrencies);
  for (const workload of APPEND_WORKLOADS) {
    for (const concurrency of settings.concurrencies) {
      log(`${comparison.label}: ${workload}, concurrency ${concurrency}`);
      let measured;
      try {
        measured = await compareAppends([comparison.baseline, ...comparison.subjects], workload, concurrency, settings);
      } catch (error) {
        if (comparison.skipIfBaselineCannotStart && rows.length === 0) {
          throw new ScenarioSkipped(`${comparison.target.baselineName} could not run: ${error instanceof Error ? error.message : String(error)}`);
        }
        throw error;
      }
      const [baseline, ...subjects] = measured;
      if (!baseline || subjects.length !== comparison.subjects.length) throw new Error('a target gave no measurement');
      rows.push(appendRow(baseline, workload, concurrency));
      for (const subject of subjects) {
        const ratio = subject.result.perSecond / baseline.result.perSecond;
        rows.push({ ...appendRow(subject, workload, concurrency), ratio: { value: ratio, against: baseline.subject } });
        if (concurrency === top) {
          checks.push({
            target: `${subject.subject}: appends (${workload}) ≥ ${comparison.target.ratio} × ${comparison.target.baselineName} at concurrency ${top}`,
            actual: `${ratio.toFixed(2)} ×`,
            met: ratio >= comparison.target.ratio,
          });
        }
      }
      if (concurrency === top || concurrency === bottom) {
        profileNotes.push(
          `Profile, ${workload}, concurrency ${concurrency}, per append: ${measured.map((measurement) => describeAppendProfile(measurement)).join(' | ')}`,
        );
      }
    }
  }
  return { rows, checks, profileNotes };
}
