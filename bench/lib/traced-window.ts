import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type CpuProfileSummary, readCpuProfile } from './cpu-profile';
import type { StatementProfile } from './statement-trace';
import type { ProcessName } from '@delivery/cli/entry-points';
import type { RunningSystem } from './system';
import type { SystemProcess } from './system-process';

/** Node flags that load the trace (TypeScript, so through tsx, also into built code) into a process (see statement-trace.preload.ts). */
const TRACE_NODE_ARGS = ['--import', 'tsx', '--import', fileURLToPath(new URL('./statement-trace.preload.ts', import.meta.url))];

/**
 * Replaces every process of one kind by a single traced one (the statement trace and the inspector's CPU
 * profiler, written into its own folder): for the unmeasured profiled passes of the api and pipeline scenarios.
 */
export async function startTraced(system: RunningSystem, name: ProcessName): Promise<{ process: SystemProcess; dir: string }> {
  const dir = path.join(system.folder.path, `trace-${name}`);
  const [traced] = await system.replace(name, { env: { BENCH_TRACE_DIR: dir }, nodeArgs: TRACE_NODE_ARGS, single: true });
  if (!traced) throw new Error(`no traced ${name} started`);
  return { process: traced, dir };
}

export interface TracedWindow<T> {
  result: T;
  /** Statements the process sent during the window, by database name. */
  statements: Record<string, StatementProfile>;
  /** HTTP requests the process received during the window. */
  requests: number;
  /** Its main thread's CPU profile over the window. */
  cpu: CpuProfileSummary;
}

/**
 * Runs `load` between two SIGUSR2 sent to a process from `startTraced`: the
 * first starts its CPU profile and resets its statement counts, the second writes both. Bounded: a file
 * that does not appear within 15 s fails the window.
 * @example const { result, statements, cpu } = await traceWindow(api, dir, () => runAutocannon(options));
 */
export async function traceWindow<T>(traced: SystemProcess, dir: string, load: () => Promise<T>): Promise<TracedWindow<T>> {
  await mkdir(dir, { recursive: true });
  const statementsFile = path.join(dir, 'statements.json');
  const profileFile = path.join(dir, 'window.cpuprofile');
  await rm(statementsFile, { force: true });
  await rm(profileFile, { force: true });
  traced.signal('SIGUSR2');
  await appears(statementsFile, traced);
  await rm(statementsFile);
  const result = await load();
  traced.signal('SIGUSR2');
  await appears(statementsFile, traced);
  await appears(profileFile, traced);
  const dump = JSON.parse(await readFile(statementsFile, 'utf8')) as { requests: number; databases: Record<string, StatementProfile> };
  return { result, statements: dump.databases, requests: dump.requests, cpu: await readCpuProfile(profileFile) };
}

async function appears(file: string, traced: SystemProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return;
    await sleep(50);
  }
  throw new Error(`${traced.name} wrote no ${path.basename(file)} within 15 s:\n${traced.tail()}`);
}
