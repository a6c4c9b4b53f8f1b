import { orderStreamId, type OrderEvent } from '@delivery/events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderHistory, orderOutcomes, withVersions } from '../testing/order-histories';
import { appendOrderHistory, createProjectionsTestEnv, type ProjectionsTestEnv } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { applyOrderEventBatch } from './order-view-batch.projector';
import { foldOrderView } from './order-view.projection';
import { applyOrderEvent, type OrderEventMessage } from './order-view.projector';
import { getOrderView } from './order-view.repository';

describe.each(sqlBackends)('order view batch projector on $name', (backend) => {
  let env: ProjectionsTestEnv;
  beforeAll(async () => {
    env = await createProjectionsTestEnv(backend);
  });
  afterAll(async () => {
    await env?.drop();
  });

  const message = (events: readonly OrderEvent[], version: number): OrderEventMessage => ({
    streamId: orderStreamId(events[0]!.data.orderId),
    streamVersion: version,
    event: events[version - 1]!,
  });
  const rowOf = (events: readonly OrderEvent[]) => getOrderView(env.db, events[0]!.data.orderId);

  it('applies the events of several orders, in any order within the batch, in one call', async () => {
    const histories = [orderHistory({ outcome: 'delivered' }), orderHistory({ outcome: 'rejected' }), orderHistory({ outcome: 'pending' })];
    const messages = histories.flatMap((events) => events.map((_, index) => message(events, index + 1))).reverse();
    expect(await applyOrderEventBatch(env, messages)).toEqual({ leftOver: [] });
    for (const events of histories) expect(await rowOf(events)).toEqual(foldOrderView(withVersions(events)));
  });

  it('skips events the rows already have and copies delivered twice, leaving nothing over', async () => {
    const events = orderHistory({ outcome: 'delivered' });
    await applyOrderEventBatch(env, [message(events, 1), message(events, 2)]);
    const { leftOver } = await applyOrderEventBatch(env, [message(events, 2), message(events, 1), message(events, 3), message(events, 3)]);
    expect(leftOver).toEqual([]);
    expect(await rowOf(events)).toEqual(foldOrderView(withVersions(events)));
  });

  it('leaves over the events of an order with a gap, untouched, and applies the others', async () => {
    const gapped = orderHistory({ outcome: 'delivered' });
    const whole = orderHistory({ outcome: 'accepted' });
    const gappedMessages = [message(gapped, 1), message(gapped, 3)];
    const { leftOver } = await applyOrderEventBatch(env, [...gappedMessages, message(whole, 1), message(whole, 2)]);
    expect(leftOver).toEqual(gappedMessages);
    expect(await rowOf(gapped)).toBeNull();
    expect(await rowOf(whole)).toEqual(foldOrderView(withVersions(whole)));
  });

  it('leaves over a message whose stream does not hold its order, and an order placed twice, writing neither', async () => {
    const good = orderHistory({ outcome: 'pending' });
    const misfiled = orderHistory();
    const wrongStream = { ...message(misfiled, 1), streamId: orderStreamId(crypto.randomUUID()) };
    const twice = orderHistory({ outcome: 'pending' });
    const placedAgain = { ...message(twice, 1), streamVersion: 2 };
    const { leftOver } = await applyOrderEventBatch(env, [wrongStream, message(good, 1), message(twice, 1), placedAgain]);
    expect(leftOver).toEqual([wrongStream, message(twice, 1), placedAgain]);
    expect(await rowOf(misfiled)).toBeNull();
    expect(await rowOf(twice)).toBeNull();
    expect(await rowOf(good)).toEqual(foldOrderView(withVersions(good)));
  });

  // As the projection worker runs it: deliveries shuffled, duplicated or lost, in batches (two at a time, as
  // two workers would), each batch's left-overs through applyOrderEvent, which fills gaps from the store.
  it('ends with the row a fold of the stream gives, whatever the batches hold', async () => {
    const scenario = fc.array(fc.constantFrom(...orderOutcomes), { minLength: 1, maxLength: 5 }).chain((outcomes) => {
      const deliveries = outcomes.flatMap((outcome, order) =>
        orderHistory({ outcome }).flatMap((_, index, all) => (index === all.length - 1 ? [{ order, version: index + 1 }] : [])),
      );
      const all = outcomes.flatMap((outcome, order) => orderHistory({ outcome }).map((_, index) => ({ order, version: index + 1 })));
      return fc.record({
        outcomes: fc.constant(outcomes),
        // Every last event arrives; any event may come again or not at all.
        extra: fc.array(fc.constantFrom(...all), { maxLength: all.length * 2 }),
        lasts: fc.constant(deliveries),
        batchSize: fc.integer({ min: 1, max: 8 }),
        seed: fc.integer(),
      });
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ outcomes, extra, lasts, batchSize, seed }) => {
        const histories = outcomes.map((outcome) => orderHistory({ outcome, customerId: 'batch-prop' }));
        for (const events of histories) await appendOrderHistory(env.store, events);
        const deliveries = fc.sample(fc.shuffledSubarray([...lasts, ...extra], { minLength: lasts.length + extra.length }), { seed, numRuns: 1 })[0] ?? [];
        const messages = deliveries.map(({ order, version }) => message(histories[order]!, version));
        const batches: OrderEventMessage[][] = [];
        for (let start = 0; start < messages.length; start += batchSize) batches.push(messages.slice(start, start + batchSize));
        for (let index = 0; index < batches.length; index += 2) {
          await Promise.all(
            batches.slice(index, index + 2).map(async (batch) => {
              const { leftOver } = await applyOrderEventBatch(env, batch);
              for (const left of leftOver) await applyOrderEvent(env, left);
            }),
          );
        }
        for (const events of histories) expect(await rowOf(events)).toEqual(foldOrderView(withVersions(events)));
      }),
      { numRuns: 25 },
    );
  });
});
