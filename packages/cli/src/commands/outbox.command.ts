import { parseArgs } from 'node:util';
import type { Command } from './command';
import { withOperator } from '../operator/with-operator';

export const outboxCommand: Command = {
  name: 'outbox',
  synopsis: 'outbox',
  summary: 'show the outbox: events stored but not yet published, and the age of the oldest',
  async run(args, env) {
    parseArgs({ args, options: {}, allowPositionals: false });
    const status = await withOperator(env, (actions) => actions.outboxStatus());
    const age = status.oldestPendingAgeMs === null ? '-' : `${(status.oldestPendingAgeMs / 1000).toFixed(1)} s`;
    console.log(`pending: ${status.pending}\noldest pending: ${age}`);
    return 0;
  },
};
