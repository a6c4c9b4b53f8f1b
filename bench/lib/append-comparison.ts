import type { AppendTargetFactory } from '../targets/append-target';
import { APPEND_WORKLOADS, appendRow, compareAppends, describeAppendProfile } from './append-workload';
import { integer } from './report';
import { type BenchRow, type Headline, type ScenarioContext, ScenarioSkipped } from './scenario';

export interface AppendComparison {
  /** Prefix of the progress lines. */
  label: string;
  /** What the subjects are compared with (raw inserts, Emmett), measured in the same turns. */
  baseline: AppendTargetFactory;
  /** Each with issue 16's target at the top concurrency: its rate ≥ `ratio` × the baseline's (today's ratio, to one decimal). */
  subjects: readonly { target: AppendTargetFactory; ratio: number }[];
  /** A baseline that cannot start at all is reported as a skipped scenario rather than a failure (the peer). */
  skipIfBaselineCannotStart?: boolean;
}

export interface AppendComparisonResult {
  rows: BenchRow[];
  headlines: Headline[];
  /** Per append, at the lowest and the highest concurrency: statements, CPU, server counters. */
  profileNotes: string[];
}

/**
 * The body of the append and peer scenarios: every workload at every concurrency, the subjects taking
 * turns with the baseline on fresh databases, one row each with its ratio to the baseline, a headline with
 * its target at the top concurrency, and the profile of each at the lowest and highest concurrency.
 * @example await runAppendComparison(ctx, { label: 'append', baseline: rawMysqlTarget(db), subjects: [{ target: eventStoreTarget('mysql', db), ratio: 2.5 }] })
 */
export async function runAppendComparison(ctx: ScenarioContext, comparison: AppendComparison): Promise<AppendComparisonResult> {
  const { settings, log } = ctx;
  const rows: BenchRow[] = [];
  const headlines: Headline[] = [];
  const profileNotes: string[] = [];
  const top = Math.max(...settings.concurrencies);
  const bottom = Math.min(...settings.concurrencies);
  for (const workload of APPEND_WORKLOADS) {
    for (const concurrency of settings.concurrencies) {
      log(`${comparison.label}: ${workload}, concurrency ${concurrency}`);
      let measured;
      try {
        measured = await compareAppends([comparison.baseline, ...comparison.subjects.map((subject) => subject.target)], workload, concurrency, settings);
      } catch (error) {
        if (comparison.skipIfBaselineCannotStart && rows.length === 0) {
          throw new ScenarioSkipped(`the baseline could not run: ${error instanceof Error ? error.message : String(error)}`);
        }
        throw error;
      }
      const [baseline, ...subjects] = measured;
      if (!baseline || subjects.length !== comparison.subjects.length) throw new Error('a target gave no measurement');
      rows.push(appendRow(baseline, workload, concurrency));
      for (const [index, subject] of subjects.entries()) {
        const ratio = subject.result.perSecond / baseline.result.perSecond;
        rows.push({ ...appendRow(subject, workload, concurrency), ratio: { value: ratio, against: baseline.subject } });
        const target = comparison.subjects[index]?.ratio ?? 1;
        if (concurrency !== top) continue;
        headlines.push({
          figure: `appends/s, ${workload}, concurrency ${top}, ${subject.subject}`,
          ours: integer(subject.result.perSecond),
          baseline: `${baseline.subject}: ${integer(baseline.result.perSecond)}`,
          ratio: `${ratio.toFixed(2)} ×`,
          target: { text: `≥ ${target} ×`, met: Number(ratio.toFixed(1)) >= target },
        });
      }
      if (concurrency === top || concurrency === bottom) {
        profileNotes.push(
          `Profile, ${workload}, concurrency ${concurrency}, per append: ${measured.map((measurement) => describeAppendProfile(measurement)).join(' | ')}`,
        );
      }
    }
  }
  return { rows, headlines, profileNotes };
}
