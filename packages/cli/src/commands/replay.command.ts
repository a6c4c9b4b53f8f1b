import type { ReplayProgress } from '@delivery/projections';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command';
import { withOperator } from '../operator/with-operator';

const PROJECTIONS = ['orders'] as const;

export const replayCommand: Command = {
  name: 'replay',
  synopsis: 'replay orders [--restart] [--skip-unreadable]',
  summary:
    'rebuild the order read model from the event store, switching over without stopping queries (resumes after a crash); ' +
    'stops at a stored event it cannot read, naming it, unless told to skip such events (each one is listed)',
  async run(args, env) {
    const { positionals, values } = parseArgs({
      args,
      options: { restart: { type: 'boolean', default: false }, 'skip-unreadable': { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    if (positionals.length !== 1 || !PROJECTIONS.includes(positionals[0] as (typeof PROJECTIONS)[number])) {
      throw new UsageError(`replay takes one projection: ${PROJECTIONS.join(', ')}`);
    }
    const replay = withOperator(env, (actions) =>
      actions.replayOrders({
        restart: values.restart,
        skipUnreadable: values['skip-unreadable'],
        onProgress: (progress) => {
          process.stderr.write(`\r${progressBar(progress)}`);
        },
      }),
    );
    const result = await replay.catch((error: unknown) => {
      process.stderr.write('\n');
      // Remote (embedded) failures arrive as plain errors carrying the name.
      if (!(error instanceof Error) || error.name !== 'UnreadableEventError') throw error;
      throw new Error(`${error.message}\nrepair or upcast that event and run the replay again (it resumes), or leave it out: replay orders --skip-unreadable`);
    });
    process.stderr.write('\n');
    for (const event of result.skipped) {
      console.log(`skipped position ${event.globalPosition}: ${event.streamId} version ${event.streamVersion} (${event.eventType}): ${event.reason}`);
    }
    if (result.skipped.length > 0)
      console.log(`${result.skipped.length} unreadable or dependent event(s) skipped; their orders stop before them in the read model`);
    console.log(
      `replayed ${result.processed} events${result.resumedFrom ? ` (resumed from position ${result.resumedFrom})` : ''}; the read model is switched over`,
    );
    return 0;
  },
};

function progressBar(progress: ReplayProgress, width = 30): string {
  const fraction = progress.total ? Math.min(1, progress.processed / progress.total) : 0;
  const filled = Math.round(fraction * width);
  const eta = progress.etaSeconds === undefined ? '' : ` eta ${Math.ceil(progress.etaSeconds)} s`;
  const total = progress.total === undefined ? '' : `/${progress.total}`;
  return `${progress.phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.processed}${total} events, ${Math.round(progress.eventsPerSecond)} ev/s${eta}`;
}
