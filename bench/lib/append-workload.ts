import { randomUUID } from 'node:crypto';
import { orderStreamId } from '@delivery/events';
import type { AppendTarget, AppendTargetFactory } from '../targets/append-target';
import { orderFollowUp, orderPlaced } from './bench-events';
import { type ClosedLoopResult, closedLoopRow, mergeClosedLoop, runClosedLoop } from './closed-loop';
import { cpuWindow } from './process-stats';
import { integer } from './report';
import { type BenchRow, type BenchSettings, type Headline, type ScenarioContext, ScenarioSkipped } from './scenario';
import { addCounters, diffCounters, type ServerCounters } from './server-counters.repository';
import { addProfiles, diffProfiles, describePerUnit, EMPTY_PROFILE, installStatementTrace, type StatementProfile, statementSnapshot } from './statement-trace';

export type AppendWorkload = 'new streams' | 'existing streams';
export const APPEND_WORKLOADS: readonly AppendWorkload[] = ['new streams', 'existing streams'];

/** Streams each worker of the "existing streams" workload owns and appends to in turn. */
const STREAMS_PER_WORKER = 20;

export interface AppendMeasurement {
  subject: string;
  result: ClosedLoopResult;
  diagnostics?: string;
  /** What the appends cost, summed over the rounds (warm-up included). */
  profile: AppendProfile;
}

/** Where an append's time and work went, summed over the measured rounds (and the warm-up). */
export interface AppendProfile {
  /** Appends attempted while profiled (succeeded or failed). */
  appends: number;
  /** Statements this process sent to the target's database, with the time each took to answer. */
  statements: StatementProfile;
  /** Global server counters (log flushes, lock waits) over the target's rounds. */
  counters: ServerCounters;
  /** CPU used during the target's rounds: this process (the client side), MariaDB, PostgreSQL, RabbitMQ. */
  cpuMs: Record<string, number>;
  wallMs: number;
}

/**
 * Measures several targets on the same workload and concurrency, each on its own fresh database. They
 * take turns in rounds (A, B, A, B, ...) so that noise from anything else on the machine falls on all of
 * them alike. Every append is one event, as one `order.place` (new stream) or one vendor decision
 * (existing stream) writes. Workers own disjoint streams: no append conflicts, every figure is work done.
 * Each target's rounds are profiled as they run: its statements (by its database's name), the server's
 * log and lock counters and the CPU of this process and of the servers.
 */
export async function compareAppends(
  factories: readonly AppendTargetFactory[],
  workload: AppendWorkload,
  concurrency: number,
  settings: BenchSettings,
): Promise<AppendMeasurement[]> {
  installStatementTrace();
  const targets: AppendTarget[] = [];
  try {
    for (const factory of factories) targets.push(await factory({ poolSize: concurrency }));
    const operations = await Promise.all(targets.map((target) => prepare(target, workload, concurrency)));
    const rounds: ClosedLoopResult[][] = targets.map(() => []);
    const profiles: AppendProfile[] = targets.map(() => ({ appends: 0, statements: EMPTY_PROFILE, counters: {}, cpuMs: {}, wallMs: 0 }));
    for (let round = 0; round < settings.rounds; round++) {
      for (const [index, operation] of operations.entries()) {
        const target = targets[index];
        const profile = profiles[index];
        if (!target || !profile) continue;
        let appends = 0;
        const countersBefore = await target.serverCounters();
        const statementsBefore = statementSnapshot(target.database);
        const cpu = cpuWindow({});
        const result = await runClosedLoop({
          concurrency,
          durationMs: settings.measureMs / settings.rounds,
          warmupMs: round === 0 ? settings.warmupMs : 0,
          operation: (worker, seq) => {
            appends++;
            return operation(worker, seq);
          },
        });
        const used = cpu.stop();
        const statements = diffProfiles(statementSnapshot(target.database), statementsBefore);
        const counters = diffCounters(await target.serverCounters(), countersBefore);
        rounds[index]?.push(result);
        profiles[index] = {
          appends: profile.appends + appends,
          statements: addProfiles(profile.statements, statements),
          counters: addCounters(profile.counters, counters),
          cpuMs: addCounters(profile.cpuMs, Object.fromEntries(used.shares.map((share) => [share.name, share.cpuMs]))),
          wallMs: profile.wallMs + used.wallMs,
        };
      }
    }
    return targets.map((target, index) => {
      const diagnostics = target.diagnostics?.();
      return {
        subject: target.subject,
        result: mergeClosedLoop(rounds[index] ?? []),
        profile: profiles[index] ?? { appends: 0, statements: EMPTY_PROFILE, counters: {}, cpuMs: {}, wallMs: 0 },
        ...(diagnostics ? { diagnostics } : {}),
      };
    });
  } finally {
    for (const target of targets) await target.close();
  }
}

/**
 * One line on what an append cost: statements and the time waiting on each, CPU of the client (this
 * process) and of the server, and the server's log and lock counters, all per append.
 */
export function describeAppendProfile(measurement: AppendMeasurement): string {
  const { profile } = measurement;
  const per = (value: number) => value / Math.max(1, profile.appends);
  const cpu = Object.entries(profile.cpuMs)
    .filter(([, ms]) => per(ms) >= 0.01)
    .map(([name, ms]) => `${name} ${per(ms).toFixed(2)} ms`)
    .join(', ');
  const counters = Object.entries(profile.counters)
    .map(([name, value]) => `${name} ${name.endsWith('bytes') ? Math.round(per(value)).toLocaleString('en-US') : per(value).toFixed(2)}`)
    .join(', ');
  return (
    `${measurement.subject}: ${describePerUnit(profile.statements, profile.appends, 'append')}; ` +
    `CPU per append: ${cpu || 'n/a'}; server counters per append (global): ${counters || 'none'}`
  );
}

/** Seeds what the workload needs and returns its operation. */
async function prepare(target: AppendTarget, workload: AppendWorkload, concurrency: number) {
  if (workload === 'new streams') {
    return async () => {
      const orderId = randomUUID();
      await target.appendNew(orderStreamId(orderId), orderPlaced(orderId));
    };
  }
  const streams = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const owned: { orderId: string; version: number }[] = [];
      for (let index = 0; index < STREAMS_PER_WORKER; index++) {
        const orderId = randomUUID();
        await target.appendNew(orderStreamId(orderId), orderPlaced(orderId));
        owned.push({ orderId, version: 1 });
      }
      return owned;
    }),
  );
  return async (worker: number, seq: number) => {
    const stream = streams[worker]?.[seq % STREAMS_PER_WORKER];
    if (!stream) throw new Error(`no stream for worker ${worker}`);
    await target.appendExisting(orderStreamId(stream.orderId), orderFollowUp('OrderAccepted', stream.orderId), stream.version);
    stream.version++;
  };
}

export const appendRow = (measurement: AppendMeasurement, workload: AppendWorkload, concurrency: number): BenchRow =>
  closedLoopRow(measurement.subject, workload, concurrency, measurement.result, 'appends/s', [measurement.diagnostics]);

export interface AppendComparison {
  /** Prefix of the progress lines. */
  label: string;
  /** What the subjects are compared with (raw inserts, Emmett), measured in the same turns. */
  baseline: AppendTargetFactory;
  /** Each with issue 16's target at the top concurrency: its rate ≥ `ratio` × the baseline's (today's ratio, to one decimal). */
  subjects: readonly { target: AppendTargetFactory; ratio: number }[];
  /** A baseline that cannot start at all is reported as a skipped scenario rather than a failure (the peer). */
  skipIfBaselineCannotStart?: boolean;
}

export interface AppendComparisonResult {
  rows: BenchRow[];
  headlines: Headline[];
  /** Per append, at the lowest and the highest concurrency: statements, CPU, server counters. */
  profileNotes: string[];
}

/**
 * The body of the append and peer scenarios: every workload at every concurrency, the subjects taking
 * turns with the baseline on fresh databases, one row each with its ratio to the baseline, a headline with
 * its target at the top concurrency, and the profile of each at the lowest and highest concurrency.
 * @example await runAppendComparison(ctx, { label: 'append', baseline: rawMysqlTarget(db), subjects: [{ target: eventStoreTarget('mysql', db), ratio: 2.5 }] })
 */
export async function runAppendComparison(ctx: ScenarioContext, comparison: AppendComparison): Promise<AppendComparisonResult> {
  const { settings, log } = ctx;
  const rows: BenchRow[] = [];
  const headlines: Headline[] = [];
  const profileNotes: string[] = [];
  const top = Math.max(...settings.concurrencies);
  const bottom = Math.min(...settings.concurrencies);
  for (const workload of APPEND_WORKLOADS) {
    for (const concurrency of settings.concurrencies) {
      log(`${comparison.label}: ${workload}, concurrency ${concurrency}`);
      let measured;
      try {
        measured = await compareAppends([comparison.baseline, ...comparison.subjects.map((subject) => subject.target)], workload, concurrency, settings);
      } catch (error) {
        if (comparison.skipIfBaselineCannotStart && rows.length === 0) {
          throw new ScenarioSkipped(`the baseline could not run: ${error instanceof Error ? error.message : String(error)}`);
        }
        throw error;
      }
      const [baseline, ...subjects] = measured;
      if (!baseline || subjects.length !== comparison.subjects.length) throw new Error('a target gave no measurement');
      rows.push(appendRow(baseline, workload, concurrency));
      for (const [index, subject] of subjects.entries()) {
        const ratio = subject.result.perSecond / baseline.result.perSecond;
        rows.push({ ...appendRow(subject, workload, concurrency), ratio: { value: ratio, against: baseline.subject } });
        const target = comparison.subjects[index]?.ratio ?? 1;
        if (concurrency !== top) continue;
        headlines.push({
          figure: `appends/s, ${workload}, concurrency ${top}, ${subject.subject}`,
          ours: integer(subject.result.perSecond),
          baseline: `${baseline.subject}: ${integer(baseline.result.perSecond)}`,
          ratio: `${ratio.toFixed(2)} ×`,
          target: { text: `≥ ${target} ×`, met: Number(ratio.toFixed(1)) >= target },
        });
      }
      if (concurrency === top || concurrency === bottom) {
        profileNotes.push(
          `Profile, ${workload}, concurrency ${concurrency}, per append: ${measured.map((measurement) => describeAppendProfile(measurement)).join(' | ')}`,
        );
      }
    }
  }
  return { rows, headlines, profileNotes };
}
