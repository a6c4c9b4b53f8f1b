import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ProcessRow, TargetCheck } from './scenario';

/*
 * Resident memory and CPU time of processes, read from Linux's /proc by pid. Reading is all this does:
 * it never signals a process. The bench samples the processes it started, and reads (without touching)
 * the CPU time of the database and broker servers to show who used the cores during a phase.
 */

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux the bench runs on). */
const TICKS_PER_SECOND = 100;

/** VmRSS and VmHWM (the kernel's lifetime high-water mark) of a pid, in bytes; null once it is gone. */
export function residentBytes(pid: number): { rss: number; hwm: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** User + system CPU time a pid has used so far, in ms; null once it is gone. */
export function cpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The pids `pid` started (e.g. tsx's esbuild service), from /proc/<pid>/task/<pid>/children. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface ProcessMemoryPeak {
  name: string;
  pid: number;
  /** Largest VmRSS sampled while the tracker ran. */
  peakBytes: number;
  /** VmRSS at the first sample (when the tracker started). */
  startBytes: number;
  /** VmHWM at the end: the largest resident size of the process's whole life, start-up included. */
  lifetimePeakBytes: number;
  /** Largest summed VmRSS of its child processes (tsx's esbuild service), not counted in `peakBytes`. */
  helperPeakBytes: number;
  /** CPU time it used while the tracker ran. */
  cpuMs: number;
  /** How long the tracker ran. */
  wallMs: number;
  samples: number;
}

/**
 * Samples the resident memory of each named pid every `intervalMs` (a spike shorter than that may be
 * missed; the lifetime high-water mark in the result is not) and their CPU time from start to stop.
 * @example const tracker = trackProcesses({ api: api.pid }); await load(); const peaks = tracker.stop();
 */
export function trackProcesses(pids: Record<string, number>, intervalMs = 50): { stop(): ProcessMemoryPeak[] } {
  const startedAt = performance.now();
  const state = Object.entries(pids).map(([name, pid]) => {
    const first = residentBytes(pid);
    return { name, pid, peak: first?.rss ?? 0, start: first?.rss ?? 0, hwm: first?.hwm ?? 0, helper: 0, cpu0: cpuMs(pid) ?? 0, cpu: 0, samples: first ? 1 : 0 };
  });
  const sample = () => {
    for (const entry of state) {
      const now = residentBytes(entry.pid);
      if (!now) continue;
      entry.samples++;
      entry.peak = Math.max(entry.peak, now.rss);
      entry.hwm = Math.max(entry.hwm, now.hwm);
      const helpers = childPids(entry.pid).reduce((sum, child) => sum + (residentBytes(child)?.rss ?? 0), 0);
      entry.helper = Math.max(entry.helper, helpers);
      entry.cpu = (cpuMs(entry.pid) ?? entry.cpu0 + entry.cpu) - entry.cpu0;
    }
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return state.map((entry) => ({
        name: entry.name,
        pid: entry.pid,
        peakBytes: entry.peak,
        startBytes: entry.start,
        lifetimePeakBytes: entry.hwm,
        helperPeakBytes: entry.helper,
        cpuMs: entry.cpu,
        wallMs: performance.now() - startedAt,
        samples: entry.samples,
      }));
    },
  };
}

/** A tracked process's row in a scenario's table of processes. */
export const processRow = (peak: ProcessMemoryPeak, phase: string, note?: string): ProcessRow => ({
  process: peak.name,
  phase,
  startRssBytes: peak.startBytes,
  peakRssBytes: peak.peakBytes,
  lifetimePeakBytes: peak.lifetimePeakBytes,
  helperPeakBytes: peak.helperPeakBytes,
  cpuCores: peak.cpuMs / Math.max(1, peak.wallMs),
  ...(note ? { note } : {}),
});

/** One check per kind of process (`email` and `email 2` together): its largest VmRSS under load under `limitMiB`. */
export function memoryChecks(rows: readonly ProcessRow[], limitMiB: number, label = ''): TargetCheck[] {
  const kinds = [...new Set(rows.map((row) => row.process.split(' ')[0] ?? row.process))];
  return kinds.map((kind) => {
    const mine = rows.filter((row) => (row.process.split(' ')[0] ?? row.process) === kind);
    const peakMiB = Math.max(...mine.map((row) => row.peakRssBytes)) / 2 ** 20;
    const lifetimeMiB = Math.max(...mine.map((row) => row.lifetimePeakBytes)) / 2 ** 20;
    return {
      target: `${kind} process under ${limitMiB} MiB resident under load${label}`,
      actual: `${peakMiB.toFixed(0)} MiB peak under load (lifetime peak ${lifetimeMiB.toFixed(0)} MiB)`,
      met: peakMiB < limitMiB,
    };
  });
}

/** Merges the peaks of the same process over several tracked phases. */
export function mergePeaks(phases: readonly ProcessMemoryPeak[][]): ProcessMemoryPeak[] {
  const merged = new Map<string, ProcessMemoryPeak>();
  for (const peak of phases.flat()) {
    const key = `${peak.name}:${peak.pid}`;
    const seen = merged.get(key);
    merged.set(
      key,
      seen
        ? {
            ...seen,
            peakBytes: Math.max(seen.peakBytes, peak.peakBytes),
            lifetimePeakBytes: Math.max(seen.lifetimePeakBytes, peak.lifetimePeakBytes),
            helperPeakBytes: Math.max(seen.helperPeakBytes, peak.helperPeakBytes),
            cpuMs: seen.cpuMs + peak.cpuMs,
            wallMs: seen.wallMs + peak.wallMs,
            samples: seen.samples + peak.samples,
          }
        : { ...peak },
    );
  }
  return [...merged.values()];
}

/** Summed CPU ms of every process whose command name is one of `names` (e.g. all PostgreSQL backends). */
function cpuMsByCommand(names: readonly string[]): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (names.includes(comm)) total += cpuMs(Number(entry)) ?? 0;
  }
  return total;
}

/** The servers whose CPU a phase reports beside the system's own processes. */
const SERVERS: Record<string, readonly string[]> = {
  MariaDB: ['mariadbd', 'mysqld'],
  PostgreSQL: ['postgres'],
  RabbitMQ: ['beam.smp'],
};

/** Busy CPU of the whole machine so far (all cores, ms), from /proc/stat. */
function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

export interface CpuShare {
  name: string;
  /** CPU ms used in the window. */
  cpuMs: number;
  /** Of one core: 1.0 = one core busy the whole window. */
  cores: number;
}

/**
 * CPU used during a window by each of our pids, by the database and broker servers (all their processes,
 * ours or not), and by the whole machine: who used the cores while the load ran. A server's processes that
 * start or end inside the window are not counted (PostgreSQL backends of new connections), so read its
 * figure as a floor.
 */
export function cpuWindow(pids: Record<string, number>): { stop(): CpuWindowResult } {
  const startedAt = performance.now();
  const benchMs = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
  const ours = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) ?? 0]));
  const servers = Object.fromEntries(Object.entries(SERVERS).map(([name, comms]) => [name, cpuMsByCommand(comms)]));
  const machine = machineBusyMs();
  const bench = benchMs();
  return {
    stop() {
      const wallMs = performance.now() - startedAt;
      const share = (name: string, used: number): CpuShare => ({ name, cpuMs: used, cores: used / wallMs });
      return {
        wallMs,
        shares: [
          ...Object.entries(pids).map(([name, pid]) => share(name, (cpuMs(pid) ?? 0) - (ours[name] ?? 0))),
          ...Object.entries(SERVERS).map(([name, comms]) => share(name, cpuMsByCommand(comms) - (servers[name] ?? 0))),
          share('bench process', benchMs() - bench),
        ],
        machine: share('whole machine', machineBusyMs() - machine),
        cores: os.cpus().length,
      };
    },
  };
}

export interface CpuWindowResult {
  wallMs: number;
  shares: CpuShare[];
  machine: CpuShare;
  cores: number;
}

/** "cores busy: api 0.95, MariaDB 0.40, …; everything else 0.3; whole machine 1.9 of 2". */
export function describeCpu(window: CpuWindowResult): string {
  const parts = window.shares.filter((share) => share.cores >= 0.005).map((share) => `${share.name} ${share.cores.toFixed(2)}`);
  const counted = window.shares.reduce((sum, share) => sum + share.cores, 0);
  const others = Math.max(0, window.machine.cores - counted);
  return (
    `cores busy: ${parts.join(', ')}; everything else on the machine (other people's work, the kernel) ${others.toFixed(2)}; ` +
    `whole machine ${window.machine.cores.toFixed(2)} of ${window.cores}`
  );
}
