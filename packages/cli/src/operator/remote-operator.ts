import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { OutboxStatus, SetAsideOutboxRow } from '@delivery/events';
import type { ReplayOrderViewResult, ReplayProgress, SkippedEvent } from '@delivery/projections';
import type { OperatorActions, ParkedList } from './operator-actions';

type Wire<T> = {
  [K in keyof T]: T[K] extends bigint ? string : T[K] extends bigint | null ? string | null : T[K] extends Date ? string : T[K];
};

const reviveProgress = (progress: Wire<ReplayProgress>): ReplayProgress => ({ ...progress, position: BigInt(progress.position) });
const reviveResult = (result: Wire<ReplayOrderViewResult> & { skipped: Wire<SkippedEvent>[] }): ReplayOrderViewResult => ({
  ...result,
  position: BigInt(result.position),
  resumedFrom: result.resumedFrom === null ? null : BigInt(result.resumedFrom),
  skipped: result.skipped.map((event) => ({ ...event, globalPosition: BigInt(event.globalPosition) })),
});

/**
 * The operator actions of a running embedded server, over its `/ops` routes with an admin token.
 * @example const actions = remoteOperator('http://127.0.0.1:3000', adminToken);
 */
export function remoteOperator(url: string, token: string): OperatorActions {
  const call = async (path: string, method: 'GET' | 'POST', body?: unknown): Promise<Response> => {
    const headers = { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(new URL(path, url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const json = async <T>(path: string, method: 'GET' | 'POST', body?: unknown) => (await (await call(path, method, body)).json()) as T;
  return {
    async replayOrders({ restart, skipUnreadable, onProgress }) {
      const response = await call(`/ops/replay/orders?restart=${restart}&skipUnreadable=${skipUnreadable}`, 'POST');
      if (!response.body) throw new Error('the server sent no replay progress');
      for await (const line of createInterface({ input: Readable.fromWeb(response.body as never) })) {
        if (!line.trim()) continue;
        const message = JSON.parse(line) as {
          progress?: Wire<ReplayProgress>;
          result?: Wire<ReplayOrderViewResult> & { skipped: Wire<SkippedEvent>[] };
          error?: string;
          errorName?: string;
        };
        if (message.progress) onProgress(reviveProgress(message.progress));
        if (message.result) return reviveResult(message.result);
        if (message.error) throw Object.assign(new Error(message.error), { name: message.errorName ?? 'Error' });
      }
      throw new Error('the replay ended without a result');
    },
    outboxStatus: () => json<OutboxStatus>('/ops/outbox', 'GET'),
    listSetAsideOutbox: async (limit) =>
      (await json<Wire<SetAsideOutboxRow>[]>(`/ops/outbox/set-aside?limit=${limit}`, 'GET')).map((row) => ({ ...row, setAsideAt: new Date(row.setAsideAt) })),
    retryOutbox: async (ids) => (await json<{ retried: number }>('/ops/outbox/retry', 'POST', { ids })).retried,
    listParked: (queue) => json<ParkedList>(`/ops/parked/${queue}`, 'GET'),
    redriveParked: async (queue) => (await json<{ moved: number }>(`/ops/parked/${queue}/redrive`, 'POST')).moved,
  };
}
