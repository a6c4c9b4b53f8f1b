import { runAppendComparison } from '../lib/append-workload';
import type { Scenario } from '../lib/scenario';
import { eventStoreTarget } from '../targets/event-store.target';
import { rawMysqlTarget } from '../targets/raw-mysql.target';

/** Event-store appends against raw inserts of the same rows: how much the store's guarantees cost. */
export const appendScenario: Scenario = {
  name: 'append',
  title: 'Appends: event store vs raw mysql2 inserts of the same rows (MariaDB)',
  async run(ctx) {
    const { databases, settings } = ctx;
    const { rows, headlines, profileNotes } = await runAppendComparison(ctx, {
      label: 'append',
      baseline: rawMysqlTarget(databases),
      subjects: [{ target: eventStoreTarget('mysql', databases), ratio: 2.5 }],
    });
    return {
      rows,
      headlines,
      notes: [
        'One event per append. The event store commits the appends that arrive together as one batch (group commit): ' +
          '7 statements per batch (begin, select … for update of its streams, stream insert or update, ' +
          'outbox insert, counter update, event insert, commit; 8 when it mixes new and existing streams; its sessions start at ' +
          'READ COMMITTED, so no SET TRANSACTION), so alone an append costs 7 and under concurrency a fraction of one; the raw baseline 5 per append ' +
          '(begin, stream insert or update, event insert, outbox insert, commit), positions from an in-process counter. ' +
          'The profile lines below count them as sent.',
        `Each pair runs on fresh databases, taking turns in ${settings.rounds} rounds; pool size = concurrency; ` +
          'workers own disjoint streams (no conflicts; "existing streams" = 20 streams per worker, appended in turn).',
        ...PROFILE_METHOD,
        ...profileNotes,
      ],
    };
  },
};

/** How the profile lines of the append and peer scenarios are measured. */
export const PROFILE_METHOD = [
  'Profile lines: statements counted and timed in this process as they are sent (mysql2 tracing channel, a wrapper of pg.Client#query), by ' +
    'the target\'s own database, over all its rounds and the warm-up; "ms waiting" = from sending a statement to its answer, so a lock wait ' +
    'or a commit flush shows up in the statement that waits. CPU: this process (the client: store code, Kysely, driver) and every process of ' +
    "the server (/proc), during the target's own rounds. Server counters are global (SHOW GLOBAL STATUS; pg_current_wal_lsn), so anything else " +
    'using the server then is counted too.',
];
