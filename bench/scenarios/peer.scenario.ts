import { runAppendComparison } from '../lib/append-workload';
import type { Scenario } from '../lib/scenario';
import { emmettTarget } from '../targets/emmett.target';
import { eventStoreTarget } from '../targets/event-store.target';
import { PROFILE_METHOD } from './append.scenario';

/**
 * The same append workload on Emmett's PostgreSQL event store, the store a TypeScript user would pick
 * instead, beside our PostgreSQL store on the same server and our MariaDB store, in turns in the same run,
 * so the ratios are free of drift between scenarios.
 */
export const peerScenario: Scenario = {
  name: 'peer',
  title: "Peer: the same appends on Emmett's PostgreSQL event store, our PostgreSQL store and our MariaDB store",
  async run(ctx) {
    const { databases } = ctx;
    const { rows, headlines, profileNotes } = await runAppendComparison(ctx, {
      label: 'peer',
      baseline: emmettTarget(databases),
      subjects: [
        { target: eventStoreTarget('postgres', databases), ratio: 1.1 },
        { target: eventStoreTarget('mysql', databases), ratio: 2.5 },
      ],
      skipIfBaselineCannotStart: true,
    });
    return {
      rows,
      headlines,
      notes: [
        '@event-driven-io/emmett-postgresql 0.42.0 (pg pool of the same size): one append is one call of its ' +
          'emt_append_to_stream function inside BEGIN/COMMIT (stream row insert or version-checked update, message rows). ' +
          'It writes no outbox row (its consumers poll the messages table), one row fewer per event than our stores.',
        'Our PostgreSQL store (createPostgresEventStore on createPostgresDb, same pool size, same PostgreSQL server, its own database): ' +
          'one statement per append (stream upsert under the expected version, event and outbox rows inserted from its result), in an ' +
          'implicit transaction of its own; global positions from the transaction id, no shared counter row.',
        'The three take turns in each round on fresh databases; both PostgreSQL stores share one server, MariaDB is another server on the same cores. ' +
          'All durable per commit (see Durability above).',
        ...PROFILE_METHOD,
        ...profileNotes,
      ],
    };
  },
};
