import { randomUUID } from 'node:crypto';
import { orderStreamId } from '@delivery/events';
import type { AppendTargetFactory } from '../targets/append-target';
import { orderFollowUp, orderPlaced } from './bench-events';
import { type ClosedLoopResult, runClosedLoop } from './closed-loop';
import type { BenchRow, BenchSettings } from './scenario';

export type AppendWorkload = 'new streams' | 'existing streams';
export const APPEND_WORKLOADS: readonly AppendWorkload[] = ['new streams', 'existing streams'];

/** Streams each worker of the "existing streams" workload owns and appends to in turn. */
const STREAMS_PER_WORKER = 20;

/**
 * Measures one target at one concurrency on a fresh database: every append is one event, as one
 * `order.place` (new stream) or one vendor decision (existing stream) writes. Workers own disjoint
 * streams, so no append conflicts and every figure is work done, not retries.
 */
export async function measureAppends(
  factory: AppendTargetFactory,
  workload: AppendWorkload,
  concurrency: number,
  settings: BenchSettings,
): Promise<{ subject: string; result: ClosedLoopResult }> {
  const target = await factory({ poolSize: concurrency });
  try {
    let operation: (worker: number, seq: number) => Promise<void>;
    if (workload === 'new streams') {
      operation = async () => {
        const orderId = randomUUID();
        await target.appendNew(orderStreamId(orderId), orderPlaced(orderId));
      };
    } else {
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
      operation = async (worker, seq) => {
        const stream = streams[worker]?.[seq % STREAMS_PER_WORKER];
        if (!stream) throw new Error(`no stream for worker ${worker}`);
        await target.appendExisting(orderStreamId(stream.orderId), orderFollowUp('OrderAccepted', stream.orderId), stream.version);
        stream.version++;
      };
    }
    const result = await runClosedLoop({ concurrency, durationMs: settings.measureMs, warmupMs: settings.warmupMs, operation });
    return { subject: target.subject, result };
  } finally {
    await target.close();
  }
}

export function appendRow(subject: string, workload: AppendWorkload, concurrency: number, result: ClosedLoopResult): BenchRow {
  return {
    subject,
    workload,
    concurrency,
    rate: result.perSecond,
    unit: 'appends/s',
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    count: result.count,
    errors: result.errors,
    ...(result.firstError === undefined ? {} : { note: `first error: ${result.firstError}` }),
  };
}
