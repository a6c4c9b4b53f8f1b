import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runnerArgsFor } from '@delivery/cli/entry-points';

/** A process the bench started itself: it is ended by its own pid, never by name. */
export interface SystemProcess {
  readonly name: string;
  readonly pid: number;
  /** Where its stdout and stderr go (its JSON log lines): read for readiness, kept short of memory. */
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  /** Resolves once a log line contains `needle` (polled, bounded); rejects if the process exits first. */
  waitForLog(needle: string, timeoutMs?: number): Promise<void>;
  /** Sends a signal to this pid (SIGUSR2 for a trace dump); a no-op once it has exited. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs` if it is still running; resolves when it has exited. */
  stop(graceMs?: number): Promise<number | null>;
  /** The last lines of its log, for an error message. */
  tail(lines?: number): string;
}

export interface StartOptions {
  env: Record<string, string>;
  /** Extra node flags before the entry point (e.g. `--import <preload>`). */
  nodeArgs?: readonly string[];
  /** Arguments after the entry point (`start all` for the CLI). */
  args?: readonly string[];
}

/** A folder for the logs (and profiles) of the processes a scenario starts; removed by `remove()`. */
export interface ProcessFolder {
  readonly path: string;
  remove(): Promise<void>;
}

export async function processFolder(prefix: string): Promise<ProcessFolder> {
  const folder = await mkdtemp(path.join(os.tmpdir(), `bench-${prefix}-`));
  return { path: folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/**
 * Starts a node process on an entry point (of the system, `@delivery/cli/entry-points`, or the bench's own),
 * as the supervisor runs it (`runnerArgsFor`: built code plainly, sources under tsx), with `env` on top of
 * this process's environment. Its output goes to a file rather than a pipe, so the bench spends no time
 * reading the log lines of a loaded API.
 * @example const relay = startNodeProcess('relay', entryPointOf('relay', true), folder, { env }); await relay.waitForLog('"msg":"started"');
 */
export function startNodeProcess(name: string, entryPoint: string, folder: ProcessFolder, options: StartOptions): SystemProcess {
  const logFile = path.join(folder.path, `${name}-${Date.now().toString(36)}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...runnerArgsFor(entryPoint), ...(options.nodeArgs ?? []), entryPoint, ...(options.args ?? [])], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    running.delete(started);
  });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const tail = (lines = 15) => log().trimEnd().split('\n').slice(-lines).join('\n');

  const started: SystemProcess = {
    name,
    pid,
    logFile,
    exited,
    async waitForLog(needle, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (log().includes(needle)) return;
        if (hasExited) throw new Error(`${name} exited before logging ${needle}:\n${tail()}`);
        await sleep(100);
      }
      throw new Error(`${name} did not log ${needle} within ${timeoutMs / 1000} s:\n${tail()}`);
    },
    signal(signal) {
      if (!hasExited) process.kill(pid, signal);
    },
    async stop(graceMs = 15_000) {
      if (hasExited) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        if (!hasExited) child.kill('SIGKILL');
      }, graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
    tail,
  };
  running.add(started);
  return started;
}

/** Every process started here that has not exited yet. */
const running = new Set<SystemProcess>();

/** Stops every process the bench started and is still running (on SIGINT): each by its own pid. */
export async function stopAllSystemProcesses(): Promise<void> {
  await Promise.allSettled([...running].map((started) => started.stop(5_000)));
}
