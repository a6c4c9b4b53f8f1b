import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ENTRY_POINTS, PROCESS_NAMES, type ProcessName } from '../entry-points';
import { UsageError, type Command } from './command';

const isProcessName = (name: string): name is ProcessName => (PROCESS_NAMES as string[]).includes(name);

export const startCommand: Command = {
  name: 'start',
  synopsis: `start <${PROCESS_NAMES.join('|')}|all>`,
  summary: 'run one process of the system, or all of them with one log, in the foreground (stop with Ctrl-C)',
  async run(args, env) {
    const [name, ...rest] = args;
    if (!name || rest.length > 0) throw new UsageError(`start takes one process name: ${PROCESS_NAMES.join(', ')} or all`);
    // Loaded on demand: a process started by name carries only its own module graph, not the supervisor's,
    // the embedded system's or the token code (about 40 MiB of resident memory).
    if (name === 'all') return (await import('./start-all')).startAll(env);
    if (!isProcessName(name)) throw new UsageError(`unknown process "${name}": use one of ${PROCESS_NAMES.join(', ')}, all`);
    const entry = ENTRY_POINTS[name];
    if (!existsSync(entry)) throw new UsageError(`process "${name}" has no entry point yet (${entry})`);
    if (name === 'vendor') process.env.VENDOR_TOKEN = await (await import('../supervisor/vendor-token')).vendorTokenFor(env);
    // The entry point runs in this process: it reads the environment, serves, and handles SIGTERM/SIGINT.
    await import(pathToFileURL(entry).href);
    return 0;
  },
};
