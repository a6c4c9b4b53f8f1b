import { APPEND_WORKLOADS, appendRow, compareAppends } from '../lib/append-workload';
import type { BenchRow, Scenario, TargetCheck } from '../lib/scenario';
import { eventStoreTarget } from '../targets/event-store.target';
import { rawMysqlTarget } from '../targets/raw-mysql.target';

const TARGET_RATIO = 0.8;

/** Event-store appends against raw inserts of the same rows: how much the store's guarantees cost. */
export const appendScenario: Scenario = {
  name: 'append',
  title: 'Appends: event store vs raw mysql2 inserts of the same rows (MariaDB)',
  async run({ settings, databases, log }) {
    const rows: BenchRow[] = [];
    const checks: TargetCheck[] = [];
    const top = Math.max(...settings.concurrencies);
    for (const workload of APPEND_WORKLOADS) {
      for (const concurrency of settings.concurrencies) {
        log(`append: ${workload}, concurrency ${concurrency}`);
        const [raw, store] = await compareAppends([rawMysqlTarget(databases), eventStoreTarget(databases)], workload, concurrency, settings);
        if (!raw || !store) throw new Error('a target gave no measurement');
        const ratio = store.result.perSecond / raw.result.perSecond;
        rows.push(appendRow(raw, workload, concurrency));
        rows.push({ ...appendRow(store, workload, concurrency), ratio: { value: ratio, against: raw.subject } });
        if (concurrency === top) {
          checks.push({
            target: `appends (${workload}) ≥ ${TARGET_RATIO} × raw inserts at concurrency ${top}`,
            actual: `${ratio.toFixed(2)} ×`,
            met: ratio >= TARGET_RATIO,
          });
        }
      }
    }
    return {
      rows,
      checks,
      notes: [
        'One event per append. The event store runs 9 statements per append (set isolation, begin, stream upsert, ' +
          'select … for update, stream update, outbox insert, counter update, event insert, commit); the raw baseline 5 ' +
          '(begin, stream insert or update, event insert, outbox insert, commit), positions from an in-process counter.',
        `Each pair runs on fresh databases, taking turns in ${settings.rounds} rounds; pool size = concurrency; ` +
          'workers own disjoint streams (no conflicts; "existing streams" = 20 streams per worker, appended in turn).',
      ],
    };
  },
};
