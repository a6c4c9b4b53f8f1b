import { orderStreamId, type OrderEvent } from '@delivery/events';
import { describe, expect, it } from 'vitest';
import { orderHistory, withVersions } from '../testing/order-histories';
import { appendOrderHistory, projectionsTestEnvFor } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { foldOrderView, ProjectionError } from './order-view.projection';
import { applyOrderEvent } from './order-view.projector';
import { getOrderView } from './order-view.repository';

describe.each(sqlBackends)('order view projector on $name', (backend) => {
  const env = projectionsTestEnvFor(backend);

  const message = (events: readonly OrderEvent[], version: number) => ({
    streamId: orderStreamId(events[0]!.data.orderId),
    streamVersion: version,
    event: events[version - 1]!,
  });

  async function storedHistory(spec: Parameters<typeof orderHistory>[0]) {
    const events = orderHistory(spec);
    await appendOrderHistory(env.store, events);
    return events;
  }

  it('applies events delivered in order, one by one', async () => {
    const events = await storedHistory({ outcome: 'delivered' });
    const outcomes = [];
    for (const version of [1, 2, 3]) outcomes.push(await applyOrderEvent(env, message(events, version)));
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(await getOrderView(env.db, events[0]!.data.orderId)).toEqual(foldOrderView(withVersions(events)));
  });

  it('skips an event delivered twice and an older version', async () => {
    const events = await storedHistory({ outcome: 'accepted' });
    await applyOrderEvent(env, message(events, 1));
    await applyOrderEvent(env, message(events, 2));
    expect(await applyOrderEvent(env, message(events, 2))).toBe('duplicate');
    expect(await applyOrderEvent(env, message(events, 1))).toBe('duplicate');
    expect(await getOrderView(env.db, events[0]!.data.orderId)).toMatchObject({ status: 'accepted', version: 2 });
  });

  it('fills a gap from the event store instead of applying out of order', async () => {
    const events = await storedHistory({ outcome: 'delivered' });
    expect(await applyOrderEvent(env, message(events, 3))).toBe('gap-filled');
    expect(await applyOrderEvent(env, message(events, 1))).toBe('duplicate');
    expect(await applyOrderEvent(env, message(events, 2))).toBe('duplicate');
    expect(await getOrderView(env.db, events[0]!.data.orderId)).toEqual(foldOrderView(withVersions(events)));
  });

  it('fills a gap after an existing row', async () => {
    const events = await storedHistory({ outcome: 'delivered' });
    await applyOrderEvent(env, message(events, 1));
    expect(await applyOrderEvent(env, message(events, 3))).toBe('gap-filled');
    expect(await getOrderView(env.db, events[0]!.data.orderId)).toEqual(foldOrderView(withVersions(events)));
  });

  it('inserts an order once when its first event is delivered several times at once', async () => {
    const events = await storedHistory({ outcome: 'pending' });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => applyOrderEvent(env, message(events, 1))));
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(5);
  });

  it('refuses a message whose stream does not hold its order, writing nothing', async () => {
    const events = orderHistory();
    const wrong = { ...message(events, 1), streamId: orderStreamId(crypto.randomUUID()) };
    await expect(applyOrderEvent(env, wrong)).rejects.toThrow(ProjectionError);
    expect(await getOrderView(env.db, events[0]!.data.orderId)).toBeNull();
  });

  it('refuses to fill a gap the event store cannot fill, writing nothing', async () => {
    const events = orderHistory({ outcome: 'delivered' });
    await env.store.appendToStream(orderStreamId(events[0]!.data.orderId), [events[0]!], { expectedVersion: 'no_stream' });
    await expect(applyOrderEvent(env, message(events, 3))).rejects.toThrow(/has no version 2/);
    expect(await getOrderView(env.db, events[0]!.data.orderId)).toBeNull();
  });
});
