import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ENTRY_POINTS, PROCESS_NAMES, type ProcessName } from '../entry-points';
import { UsageError, type Command } from './command';

const isProcessName = (name: string): name is ProcessName => (PROCESS_NAMES as string[]).includes(name);

export const startCommand: Command = {
  name: 'start',
  synopsis: `start <${PROCESS_NAMES.join('|')}>`,
  summary: 'run one process of the system in the foreground (stop with Ctrl-C)',
  async run(args) {
    const [name, ...rest] = args;
    if (!name || rest.length > 0) throw new UsageError(`start takes one process name: ${PROCESS_NAMES.join(', ')}`);
    if (!isProcessName(name)) throw new UsageError(`unknown process "${name}": use one of ${PROCESS_NAMES.join(', ')}`);
    const entry = ENTRY_POINTS[name];
    if (!existsSync(entry)) throw new UsageError(`process "${name}" has no entry point yet (${entry})`);
    // The entry point runs in this process: it reads the environment, serves, and handles SIGTERM/SIGINT.
    await import(pathToFileURL(entry).href);
    return 0;
  },
};
