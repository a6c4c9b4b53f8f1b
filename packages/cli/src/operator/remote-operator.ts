import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { OutboxStatus } from '@delivery/events';
import type { ReplayOrderViewResult, ReplayProgress } from '@delivery/projections';
import type { OperatorActions, ParkedList } from './operator-actions';

type Wire<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] extends bigint | null ? string | null : T[K] };

const reviveProgress = (progress: Wire<ReplayProgress>): ReplayProgress => ({ ...progress, position: BigInt(progress.position) });
const reviveResult = (result: Wire<ReplayOrderViewResult>): ReplayOrderViewResult => ({
  ...result,
  position: BigInt(result.position),
  resumedFrom: result.resumedFrom === null ? null : BigInt(result.resumedFrom),
});

/**
 * The operator actions of a running embedded server, over its `/ops` routes with an admin token.
 * @example const actions = remoteOperator('http://127.0.0.1:3000', adminToken);
 */
export function remoteOperator(url: string, token: string): OperatorActions {
  const call = async (path: string, method: 'GET' | 'POST'): Promise<Response> => {
    const response = await fetch(new URL(path, url), { method, headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const json = async <T>(path: string, method: 'GET' | 'POST') => (await (await call(path, method)).json()) as T;
  return {
    async replayOrders({ restart, onProgress }) {
      const response = await call(`/ops/replay/orders?restart=${restart}`, 'POST');
      if (!response.body) throw new Error('the server sent no replay progress');
      for await (const line of createInterface({ input: Readable.fromWeb(response.body as never) })) {
        if (!line.trim()) continue;
        const message = JSON.parse(line) as { progress?: Wire<ReplayProgress>; result?: Wire<ReplayOrderViewResult>; error?: string };
        if (message.progress) onProgress(reviveProgress(message.progress));
        if (message.result) return reviveResult(message.result);
        if (message.error) throw new Error(message.error);
      }
      throw new Error('the replay ended without a result');
    },
    outboxStatus: () => json<OutboxStatus>('/ops/outbox', 'GET'),
    listParked: (queue) => json<ParkedList>(`/ops/parked/${queue}`, 'GET'),
    redriveParked: async (queue) => (await json<{ moved: number }>(`/ops/parked/${queue}/redrive`, 'POST')).moved,
  };
}
