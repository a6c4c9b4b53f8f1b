import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** A process a test started itself: it is ended by its own pid, never by name. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logs: readonly LogLine[];
  /** What it wrote to stderr, line by line. */
  readonly stderr: readonly string[];
  /** Its last lines on stderr. */
  tail(): string;
  /** The arguments node was started with (the runner's flags, the entry point and its arguments). */
  readonly command: readonly string[];
  /** Resolves at the first JSON log line that matches; rejects if the process exits first. */
  waitForLog(match: (line: LogLine) => boolean): Promise<LogLine>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `node` with `command` (see `testedNodeArgs`) and `env`, collecting its JSON log lines.
 * @example startManagedProcess('embedded', [...testedNodeArgs('cli'), 'start', 'all'], env)
 */
export function startManagedProcess(name: string, command: readonly string[], env: Record<string, string>): ManagedProcess {
  const child: ChildProcess = spawn(process.execPath, command, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const logs: LogLine[] = [];
  const watchers = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    logs.push(line);
    for (const watcher of watchers) {
      if (watcher.match(line)) {
        watchers.delete(watcher);
        watcher.resolve(line);
      }
    }
  });
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));
  const tail = () => stderr.slice(-20).join('\n');

  return {
    name,
    pid: child.pid,
    logs,
    stderr,
    command,
    exited,
    tail,
    waitForLog(match) {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const watcher = { match, resolve };
        watchers.add(watcher);
        void exited.then((code) => {
          if (!watchers.delete(watcher)) return;
          reject(new Error(`${name} exited (${code}) before the awaited log line:\n${tail()}`));
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
