import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { getOrderWithOwner } from './order-view.repository';
import type { Order } from './order.schema';

export interface WaitForOrderOptions {
  /** The version the caller has written (from a command's result). */
  minVersion: number;
  /** How long to wait at most (default 2000 ms). */
  timeoutMs?: number;
  /** How often to look again (default 25 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface WaitForOrderResult {
  found: { order: Order; ownerId: string } | null;
  /** False when the deadline passed before the read model reached `minVersion`: `found` is then older. */
  caughtUp: boolean;
}

/**
 * `order.get` with `minVersion`: reads the order until the read model has caught up with a write the
 * client made, for a bounded time. The projection runs in another process and tells this one nothing,
 * so polling a cheap primary-key read is the simplest thing that works.
 * @example const { found, caughtUp } = await waitForOrderVersion(db, orderId, { minVersion: 2 });
 */
export async function waitForOrderVersion<DB>(db: Kysely<DB>, orderId: string, options: WaitForOrderOptions): Promise<WaitForOrderResult> {
  const deadline = performance.now() + (options.timeoutMs ?? 2000);
  for (;;) {
    const found = await getOrderWithOwner(db, orderId);
    if (found && found.order.version >= options.minVersion) return { found, caughtUp: true };
    const left = deadline - performance.now();
    if (left <= 0 || options.signal?.aborted) return { found, caughtUp: false };
    await sleep(Math.min(options.intervalMs ?? 25, left), undefined, { signal: options.signal }).catch(() => undefined);
  }
}
