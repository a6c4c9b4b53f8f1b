import { randomUUID } from 'node:crypto';
import { orderStreamId } from '@delivery/events';
import type { AppendTarget, AppendTargetFactory } from '../targets/append-target';
import { orderFollowUp, orderPlaced } from './bench-events';
import { type ClosedLoopResult, mergeClosedLoop, runClosedLoop } from './closed-loop';
import type { BenchRow, BenchSettings } from './scenario';

export type AppendWorkload = 'new streams' | 'existing streams';
export const APPEND_WORKLOADS: readonly AppendWorkload[] = ['new streams', 'existing streams'];

/** Streams each worker of the "existing streams" workload owns and appends to in turn. */
const STREAMS_PER_WORKER = 20;

export interface AppendMeasurement {
  subject: string;
  result: ClosedLoopResult;
  diagnostics?: string;
}

/**
 * Measures several targets on the same workload and concurrency, each on its own fresh database. They
 * take turns in rounds (A, B, A, B, ...) so that noise from anything else on the machine falls on all of
 * them alike. Every append is one event, as one `order.place` (new stream) or one vendor decision
 * (existing stream) writes. Workers own disjoint streams: no append conflicts, every figure is work done.
 */
export async function compareAppends(
  factories: readonly AppendTargetFactory[],
  workload: AppendWorkload,
  concurrency: number,
  settings: BenchSettings,
): Promise<AppendMeasurement[]> {
  const targets: AppendTarget[] = [];
  try {
    for (const factory of factories) targets.push(await factory({ poolSize: concurrency }));
    const operations = await Promise.all(targets.map((target) => prepare(target, workload, concurrency)));
    const rounds: ClosedLoopResult[][] = targets.map(() => []);
    for (let round = 0; round < settings.rounds; round++) {
      for (const [index, operation] of operations.entries()) {
        const result = await runClosedLoop({
          concurrency,
          durationMs: settings.measureMs / settings.rounds,
          warmupMs: round === 0 ? settings.warmupMs : 0,
          operation,
        });
        rounds[index]?.push(result);
      }
    }
    return targets.map((target, index) => {
      const diagnostics = target.diagnostics?.();
      return { subject: target.subject, result: mergeClosedLoop(rounds[index] ?? []), ...(diagnostics ? { diagnostics } : {}) };
    });
  } finally {
    for (const target of targets) await target.close();
  }
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

export function appendRow(measurement: AppendMeasurement, workload: AppendWorkload, concurrency: number): BenchRow {
  const { result } = measurement;
  const notes = [measurement.diagnostics, result.firstError === undefined ? undefined : `first error: ${result.firstError}`].filter(Boolean);
  return {
    subject: measurement.subject,
    workload,
    concurrency,
    rate: result.perSecond,
    unit: 'appends/s',
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    count: result.count,
    errors: result.errors,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
