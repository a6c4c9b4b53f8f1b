import type { ReplayProgress } from '@delivery/projections';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command';
import { withOperator } from '../operator/with-operator';

const PROJECTIONS = ['orders'] as const;

export const replayCommand: Command = {
  name: 'replay',
  synopsis: 'replay orders [--restart]',
  summary: 'rebuild the order read model from the event store, switching over without stopping queries (resumes after a crash)',
  async run(args, env) {
    const { positionals, values } = parseArgs({ args, options: { restart: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length !== 1 || !PROJECTIONS.includes(positionals[0] as (typeof PROJECTIONS)[number])) {
      throw new UsageError(`replay takes one projection: ${PROJECTIONS.join(', ')}`);
    }
    const result = await withOperator(env, (actions) =>
      actions.replayOrders({
        restart: values.restart,
        onProgress: (progress) => {
          process.stderr.write(`\r${progressBar(progress)}`);
        },
      }),
    );
    process.stderr.write('\n');
    console.log(`replayed ${result.processed} events${result.resumedFrom ? ` (resumed from position ${result.resumedFrom})` : ''}; the read model is switched over`);
    return 0;
  },
};

export function progressBar(progress: ReplayProgress, width = 30): string {
  const fraction = progress.total ? Math.min(1, progress.processed / progress.total) : 0;
  const filled = Math.round(fraction * width);
  const eta = progress.etaSeconds === undefined ? '' : ` eta ${Math.ceil(progress.etaSeconds)} s`;
  const total = progress.total === undefined ? '' : `/${progress.total}`;
  return `${progress.phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.processed}${total} events, ${Math.round(progress.eventsPerSecond)} ev/s${eta}`;
}
