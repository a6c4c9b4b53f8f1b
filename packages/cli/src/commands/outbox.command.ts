import { parseArgs } from 'node:util';
import { UsageError, type Command } from './command';
import { withOperator } from '../operator/with-operator';

/** Set-aside rows listed by `outbox`; the count above them says how many there are in all. */
const SHOWN_SET_ASIDE = 50;

export const outboxCommand: Command = {
  name: 'outbox',
  synopsis: 'outbox [retry <--all | id...>]',
  summary: 'show the outbox (events not yet published, rows set aside as unpublishable with their error), or give set-aside rows back to the relay',
  async run(args, env) {
    const { positionals, values } = parseArgs({ args, options: { all: { type: 'boolean', default: false } }, allowPositionals: true });
    const [action, ...ids] = positionals;
    if (action === undefined) {
      if (values.all) throw new UsageError('--all goes with retry');
      return showOutbox(env);
    }
    if (action !== 'retry') throw new UsageError(`unknown outbox action "${action}": use retry`);
    if (values.all === ids.length > 0) throw new UsageError('outbox retry takes --all or the ids of set-aside rows');
    if (ids.some((id) => !/^\d{1,20}$/.test(id))) throw new UsageError('outbox row ids are whole numbers (see `outbox`)');
    const retried = await withOperator(env, (actions) => actions.retryOutbox(values.all ? 'all' : ids));
    console.log(`${retried} set-aside row(s) given back to the relay`);
    return 0;
  },
};

async function showOutbox(env: Record<string, string | undefined>): Promise<number> {
  const { status, setAside } = await withOperator(env, async (actions) => ({
    status: await actions.outboxStatus(),
    setAside: await actions.listSetAsideOutbox(SHOWN_SET_ASIDE),
  }));
  const age = status.oldestPendingAgeMs === null ? '-' : `${(status.oldestPendingAgeMs / 1000).toFixed(1)} s`;
  console.log(`pending: ${status.pending}\noldest pending: ${age}\nset aside: ${status.setAside}`);
  for (const row of setAside) {
    console.log(
      `  #${row.id} ${row.eventType} ${row.streamId} v${row.streamVersion} (event ${row.eventId}), set aside ${row.setAsideAt.toISOString()}: ${oneLine(row.error ?? 'no error recorded')}`,
    );
  }
  if (status.setAside > 0) console.log('fix what the errors name, then: pnpm delivery outbox retry --all');
  return 0;
}

/** Validation errors span lines (one per issue); a listing keeps each row on one. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
