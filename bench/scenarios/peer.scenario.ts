import { APPEND_WORKLOADS, appendRow, measureAppends } from '../lib/append-workload';
import type { BenchRow, Scenario, ScenarioReport, TargetCheck } from '../lib/scenario';
import { ScenarioSkipped } from '../lib/scenario';
import { emmettTarget } from '../targets/emmett.target';

const STORE_SUBJECT = 'event store (MariaDB)';

/** The same append workload on Emmett's PostgreSQL event store, the store a TypeScript user would pick instead. */
export const peerScenario: Scenario = {
  name: 'peer',
  title: "Peer: the same appends on Emmett's PostgreSQL event store",
  async run({ settings, databases, log, earlier }) {
    const rows: BenchRow[] = [];
    const checks: TargetCheck[] = [];
    const top = Math.max(...settings.concurrencies);
    for (const workload of APPEND_WORKLOADS) {
      for (const concurrency of settings.concurrencies) {
        log(`peer: ${workload}, concurrency ${concurrency}: Emmett PostgreSQL`);
        let measured;
        try {
          measured = await measureAppends(emmettTarget(databases), workload, concurrency, settings);
        } catch (error) {
          // Emmett failing to start here is a finding to report, not a crash of the whole run.
          if (rows.length === 0) throw new ScenarioSkipped(`Emmett could not run: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        }
        const row = appendRow(measured.subject, workload, concurrency, measured.result);
        const ours = storeRate(earlier, workload, concurrency);
        if (ours === undefined) {
          rows.push(row);
          continue;
        }
        const ratio = ours / measured.result.perSecond;
        rows.push({ ...row, ratio: { value: ratio, against: `${STORE_SUBJECT} ÷ this` } });
        if (concurrency === top) {
          checks.push({
            target: `appends (${workload}) ≥ 1.0 × Emmett PostgreSQL at concurrency ${top}`,
            actual: `${ratio.toFixed(2)} ×`,
            met: ratio >= 1,
          });
        }
      }
    }
    return {
      rows,
      checks,
      notes: [
        'Ratios compare the event store figure of the append scenario (same workload and concurrency) with this one.',
        'PostgreSQL 15 with fsync and synchronous_commit on; MariaDB with innodb_flush_log_at_trx_commit=1: both durable per commit.',
      ],
    };
  },
};

function storeRate(earlier: readonly ScenarioReport[], workload: string, concurrency: number): number | undefined {
  const row = earlier
    .find((report) => report.name === 'append')
    ?.rows.find((candidate) => candidate.subject === STORE_SUBJECT && candidate.workload === workload && candidate.concurrency === concurrency);
  return row?.rate ?? undefined;
}
