import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nodeArgsFor, type ProcessName } from '../entry-points';
import { readableLogLine } from './readable-log';

export interface Supervised {
  name: ProcessName;
  child: ChildProcess;
}

/**
 * Runs processes of the system as children with one readable log. When one exits on its own, the others
 * are stopped too (a half-running system hides failures); Ctrl-C or SIGTERM stops them all gracefully.
 */
export function startSupervisor(env: Record<string, string | undefined>, write: (line: string) => void) {
  const children: Supervised[] = [];
  let stopping = false;
  let failed = false;
  const color = Boolean(process.stdout.isTTY);
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const stopAll = (signal: NodeJS.Signals = 'SIGTERM') => {
    stopping = true;
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };

  const start = (name: ProcessName): Supervised => {
    // Each child in its own process group: a terminal's Ctrl-C reaches the supervisor alone, which then stops
    // every child once, gracefully (a second signal would make them exit without draining).
    const child = spawn(process.execPath, nodeArgsFor(name), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const index = children.length;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => write(readableLogLine(name, line, { color, index })));
    }
    child.once('exit', (code, signal) => {
      if (!stopping) {
        failed = true;
        write(readableLogLine('supervisor', `${name} exited (${signal ?? code}); stopping the others`, { color, index: 5 }));
        stopAll();
      }
      if (children.every(({ child: other }) => other.exitCode !== null || other.signalCode !== null)) resolveDone(failed ? 1 : 0);
    });
    const supervised = { name, child };
    children.push(supervised);
    return supervised;
  };

  return { start, stopAll, done };
}
