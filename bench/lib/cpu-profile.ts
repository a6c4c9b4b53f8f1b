import { readFile } from 'node:fs/promises';

/** The parts of V8's `.cpuprofile` (written by `node --cpu-prof`) this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuShareOf {
  name: string;
  ms: number;
  /** Of the profile's sampled time (idle included). */
  share: number;
}

export interface CpuProfileSummary {
  /** Sampled time, ms (the process's life while profiled, idle included). */
  totalMs: number;
  /** Time the thread was idle (waiting on I/O): `(idle)`. */
  idleMs: number;
  /** Self time in Node's internals and native functions (sockets, files, crypto), whoever called them. */
  nodeMs: number;
  /**
   * Self time by the package that caused it: a frame of Node's internals or a native function (a socket
   * or file write) counts for the nearest calling frame in an npm or workspace package.
   */
  byOrigin: CpuShareOf[];
  /** The functions with the most self time, with where they live. */
  topFunctions: CpuShareOf[];
}

/** Reads a `.cpuprofile` file (as `node --cpu-prof` or the inspector's Profiler.stop writes it) and summarises it. */
export async function readCpuProfile(file: string): Promise<CpuProfileSummary> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as CpuProfile | { error: string };
  if ('error' in parsed) throw new Error(`the profiler failed: ${parsed.error}`);
  return summarizeCpuProfile(parsed);
}

/**
 * Self time of a V8 CPU profile grouped by origin and by function. Each sample's time is the delta to
 * the next sample (V8's sampling interval, about 1 ms, stretched when the process was descheduled).
 */
export function summarizeCpuProfile(profile: CpuProfile): CpuProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // The package that caused a frame's work: itself, or its nearest caller that lives in a package.
  const causeOf = (id: number): string => {
    const own = byId.get(id);
    const ownOrigin = own ? originOf(own.callFrame.functionName, own.callFrame.url) : 'other';
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const node = byId.get(current);
      if (!node) break;
      const origin = originOf(node.callFrame.functionName, node.callFrame.url);
      if (origin === '(root)') return 'Node (event loop, microtask queue, no package caller)';
      if (origin !== 'node internals' && origin !== 'native / V8 builtins') return origin;
    }
    return ownOrigin;
  };
  const selfUs = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index];
    if (id === undefined) continue;
    const delta = profile.timeDeltas[index + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, delta));
  }
  const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  let idleUs = 0;
  let nodeUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idleUs += us;
    const own = originOf(functionName, url);
    if (own === 'node internals' || own === 'native / V8 builtins') nodeUs += us;
    const origin = functionName.startsWith('(') ? own : causeOf(id);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
    const where = url ? `${shortPath(url)}:${lineNumber + 1}` : origin;
    const key = `${functionName || '(anonymous)'} (${where})`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const ranked = (entries: Map<string, number>, limit: number): CpuShareOf[] =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, share: totalUs === 0 ? 0 : us / totalUs }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, nodeMs: nodeUs / 1000, byOrigin: ranked(origins, 14), topFunctions: ranked(functions, 12) };
}

/** `zod`, `@trpc/server`, `@delivery/api`, `node internals`, `(garbage collector)`, ... */
export function originOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native / V8 builtins';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const workspace = /\/packages\/([^/]+)\/(?:src|dist)\//.exec(url);
  if (workspace) return `@delivery/${workspace[1]}`;
  if (url.includes('/bench/')) return 'bench';
  return 'other';
}

function shortPath(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const packages = url.indexOf('/packages/');
  if (packages >= 0) return url.slice(packages + 1);
  return url.replace(/^file:\/\//, '');
}

/** "idle 12%; zod 9.1%, @trpc/server 7.2%, ..." — busy time by origin, for a note. */
export function describeCpuProfile(summary: CpuProfileSummary, units: number, unit: string): string {
  const busyMs = summary.totalMs - summary.idleMs;
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const origins = summary.byOrigin
    .filter((origin) => origin.name !== '(idle)')
    .map((origin) => `${origin.name} ${percent(origin.share)}`)
    .join(', ');
  const functions = summary.topFunctions
    .filter((entry) => !entry.name.startsWith('(idle)'))
    .slice(0, 8)
    .map((entry) => `${entry.name} ${percent(entry.share)}`)
    .join('; ');
  return (
    `CPU profile of ${(summary.totalMs / 1000).toFixed(1)} s: idle ${percent(summary.totalMs === 0 ? 0 : summary.idleMs / summary.totalMs)}, ` +
    `busy ${(busyMs / Math.max(1, units)).toFixed(2)} ms per ${unit}. Self time by the package that caused it (Node internals and native ` +
    `calls counted for their nearest package caller; ${percent(summary.totalMs === 0 ? 0 : summary.nodeMs / summary.totalMs)} of the time is in them): ` +
    `${origins}. Top functions (self): ${functions}.`
  );
}
