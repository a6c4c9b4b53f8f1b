import { AutoRedriveTally, createInProcessBus, memoryQueueStorage, ORDER_QUEUES, orderQueueNames, silentLogger, type Consumer } from '@delivery/events';
import { sampleEventMessage, sampleOrderPlaced } from '@delivery/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';

describe('/metrics of the message flow', () => {
  let api: TestApi;
  let consumer: Consumer | undefined;
  const tally = new AutoRedriveTally();
  let bus: Awaited<ReturnType<typeof createInProcessBus>>;

  beforeAll(async () => {
    bus = await createInProcessBus({ storage: memoryQueueStorage(), logger: silentLogger, onAutoRedrive: (redrive) => tally.record(redrive) });
    api = await createTestApi({
      seed: false,
      deps: {
        delivery: {
          async parkedCounts() {
            return Object.fromEntries(await Promise.all(orderQueueNames.map(async (queue) => [queue, (await bus.listParked(queue)).length] as const)));
          },
          autoRedrives: () => tally.totals(),
        },
      },
    });
  });
  afterAll(async () => {
    await consumer?.stop();
    await bus?.close();
    await api?.close();
  });

  const metrics = async () => (await api.request('/metrics')).text();

  it('shows a message an outage parked, then the consumer putting it back once the dependency answers', async () => {
    let down = true;
    consumer = await bus.consume({
      queue: ORDER_QUEUES.confirmation,
      prefetch: 1,
      logger: silentLogger,
      retryDelayMs: () => 0,
      maxHoldMs: 10,
      breaker: { baseCooldownMs: 1_000, maxCooldownMs: 1_000 },
      handler: async () => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 25 });
      },
    });
    await bus.createPublisher().publishEvents([sampleEventMessage(sampleOrderPlaced())]);
    await expect.poll(metrics).toContain('delivery_parked_messages{queue="orders.confirmation"} 1');
    down = false;
    await expect.poll(metrics, { timeout: 10_000 }).toContain('delivery_auto_redriven_messages{queue="orders.confirmation",dependency="127.0.0.1:25"} 1');
    expect(await metrics()).toContain('delivery_parked_messages{queue="orders.confirmation"} 0');
  });
});
