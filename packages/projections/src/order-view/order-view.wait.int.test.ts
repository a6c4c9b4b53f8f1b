import { orderStreamId } from '@delivery/events';
import { describe, expect, it } from 'vitest';
import { orderHistory } from '../testing/order-histories';
import { appendOrderHistory, projectionsTestEnvFor } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { applyOrderEvent } from './order-view.projector';
import { waitForOrderVersion } from './order-view.wait';

describe.each(sqlBackends)('waiting for an order version on $name', (backend) => {
  const env = projectionsTestEnvFor(backend);

  it('returns as soon as the read model reaches the version asked for', async () => {
    const events = orderHistory({ outcome: 'accepted' });
    await appendOrderHistory(env.store, events);
    const streamId = orderStreamId(events[0]!.data.orderId);
    await applyOrderEvent(env, { streamId, streamVersion: 1, event: events[0]! });

    const waiting = waitForOrderVersion(env.db, events[0]!.data.orderId, { minVersion: 2, timeoutMs: 10_000 });
    await applyOrderEvent(env, { streamId, streamVersion: 2, event: events[1]! });
    const { found, caughtUp } = await waiting;
    expect(caughtUp).toBe(true);
    expect(found?.order).toMatchObject({ status: 'accepted', version: 2 });
  });

  it('gives up after the timeout with what it has', async () => {
    const events = orderHistory({ outcome: 'accepted' });
    await appendOrderHistory(env.store, events);
    await applyOrderEvent(env, { streamId: orderStreamId(events[0]!.data.orderId), streamVersion: 1, event: events[0]! });
    const started = performance.now();
    const { found, caughtUp } = await waitForOrderVersion(env.db, events[0]!.data.orderId, { minVersion: 2, timeoutMs: 150 });
    expect(caughtUp).toBe(false);
    expect(found?.order.version).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('gives up with nothing for an order that never appears', async () => {
    expect(await waitForOrderVersion(env.db, crypto.randomUUID(), { minVersion: 1, timeoutMs: 50 })).toEqual({ found: null, caughtUp: false });
  });
});
