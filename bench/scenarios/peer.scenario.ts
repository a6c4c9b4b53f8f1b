import { APPEND_WORKLOADS, appendRow, compareAppends } from '../lib/append-workload';
import type { BenchRow, Scenario, TargetCheck } from '../lib/scenario';
import { ScenarioSkipped } from '../lib/scenario';
import { emmettTarget } from '../targets/emmett.target';
import { eventStoreTarget } from '../targets/event-store.target';

/**
 * The same append workload on Emmett's PostgreSQL event store, the store a TypeScript user would pick
 * instead. Our store is measured again beside it, in turns, so the ratio is free of drift between scenarios.
 */
export const peerScenario: Scenario = {
  name: 'peer',
  title: "Peer: the same appends on Emmett's PostgreSQL event store",
  async run({ settings, databases, log }) {
    const rows: BenchRow[] = [];
    const checks: TargetCheck[] = [];
    const top = Math.max(...settings.concurrencies);
    for (const workload of APPEND_WORKLOADS) {
      for (const concurrency of settings.concurrencies) {
        log(`peer: ${workload}, concurrency ${concurrency}`);
        let measured;
        try {
          measured = await compareAppends([emmettTarget(databases), eventStoreTarget(databases)], workload, concurrency, settings);
        } catch (error) {
          // Emmett failing to start here is a finding to report, not a crash of the whole run.
          if (rows.length === 0) throw new ScenarioSkipped(`Emmett could not run: ${error instanceof Error ? error.message : String(error)}`);
          throw error;
        }
        const [emmett, store] = measured;
        if (!emmett || !store) throw new Error('a target gave no measurement');
        const ratio = store.result.perSecond / emmett.result.perSecond;
        rows.push(appendRow(emmett, workload, concurrency));
        rows.push({ ...appendRow(store, workload, concurrency), ratio: { value: ratio, against: emmett.subject } });
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
        '@event-driven-io/emmett-postgresql 0.42.0 (pg pool of the same size): one append is one call of its ' +
          'emt_append_to_stream function inside BEGIN/COMMIT (stream row insert or version-checked update, message rows). ' +
          'It writes no outbox row (its consumers poll the messages table), one row fewer per event than our store.',
        'Both durable per commit (see Durability above).',
      ],
    };
  },
};
