import { orderStreamId } from '@delivery/events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderHistory, orderOutcomes, withVersions } from '../testing/order-histories';
import { appendOrderHistory, projectionsTestEnvFor } from '../testing/projections-test-env';
import { sqlBackends } from '../testing/sql-backends';
import { foldOrderView } from './order-view.projection';
import { applyOrderEvent, type ApplyOutcome } from './order-view.projector';
import { getOrderView } from './order-view.repository';

describe.each(sqlBackends)('order view projector, delivery in any order on $name', (backend) => {
  const env = projectionsTestEnvFor(backend);

  // How many times each event of a history is delivered: an earlier one may be lost (0: the gap is filled
  // from the store), the last one always arrives at least once, any may be redelivered.
  const deliveryCounts = (length: number) => fc.tuple(...Array.from({ length }, (_, index) => fc.integer({ min: index === length - 1 ? 1 : 0, max: 3 })));

  // Orders by the outcome their history reaches, and deliveries as (order, version) pairs: the events
  // themselves are made fresh in each run, since fast-check replays the same values while shrinking and
  // the event store would refuse a stream or event id it already has.
  const scenario = fc.array(fc.constantFrom(...orderOutcomes), { minLength: 1, maxLength: 4 }).chain((outcomes) => {
    const lengths = outcomes.map((outcome) => orderHistory({ outcome }).length);
    return fc.tuple(...lengths.map(deliveryCounts)).chain((perOrder) => {
      const deliveries = perOrder.flatMap((counts, order) =>
        counts.flatMap((count, index) => Array.from({ length: count }, () => ({ order, version: index + 1 }))),
      );
      return fc.record({
        outcomes: fc.constant(outcomes),
        deliveries: fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }),
        // Deliveries handled at once, like a consumer with prefetch > 1 or several workers.
        concurrency: fc.integer({ min: 1, max: 4 }),
      });
    });
  });

  it('ends with the row a fold of the stream gives, whatever is shuffled, duplicated or lost', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ outcomes, deliveries, concurrency }) => {
        const histories = outcomes.map((outcome) => orderHistory({ outcome, customerId: 'prop' }));
        for (const events of histories) await appendOrderHistory(env.store, events);

        const outcomesSeen: ApplyOutcome[] = [];
        for (let start = 0; start < deliveries.length; start += concurrency) {
          const wave = deliveries.slice(start, start + concurrency).map(({ order, version }) => {
            const event = histories[order]![version - 1]!;
            return applyOrderEvent(env, { streamId: orderStreamId(event.data.orderId), streamVersion: version, event });
          });
          outcomesSeen.push(...(await Promise.all(wave)));
        }

        for (const events of histories) {
          expect(await getOrderView(env.db, events[0]!.data.orderId)).toEqual(foldOrderView(withVersions(events)));
        }
        // Every order was written at least once and never more often than it has events.
        const writes = outcomesSeen.filter((outcome) => outcome !== 'duplicate').length;
        expect(writes).toBeGreaterThanOrEqual(histories.length);
        expect(writes).toBeLessThanOrEqual(histories.reduce((sum, events) => sum + events.length, 0));
      }),
      { numRuns: 30 },
    );
  });
});
