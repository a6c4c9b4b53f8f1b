import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/logger';
import type { AutoRedrive } from './consumer-gate';
import type { EventHandler } from './event-message';
import type { Consumer } from './message-bus';
import { busTransports, connectionRefused, type OpenedBus, publishWhenReady } from './testing/bus-transports';
import { sampleEventMessage, sampleOrderPlaced } from './testing/order-events';
import { DELIVERY_LIMIT, ORDER_QUEUES } from './topology';

/** A handler whose dependency is down until `recover()`; it records the delivery count of every call. */
function dependentHandler() {
  let down = true;
  const calls: number[] = [];
  const handled: string[] = [];
  const handler: EventHandler = async (message) => {
    calls.push(message.deliveryCount);
    if (down) throw connectionRefused();
    handled.push(message.messageId);
  };
  return { handler, calls, handled, recover: () => (down = false) };
}

const fastBreaker = { baseCooldownMs: 20, maxCooldownMs: 100 };

const opened: OpenedBus[] = [];
const consumers: Consumer[] = [];

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  await Promise.all(opened.splice(0).map((transport) => transport.close()));
});

const transports = busTransports.map(({ name, open }) => ({
  name,
  async open() {
    const transport = await open();
    opened.push(transport);
    return transport;
  },
}));

describe.each(transports)('a dependency outage on $name', (transport) => {
  it('holds the message unacked and runs it again once the dependency answers, spending none of its delivery limit', async () => {
    const { bus, parkedCount } = await transport.open();
    const dependency = dependentHandler();
    consumers.push(
      await bus.consume({
        queue: ORDER_QUEUES.confirmation,
        prefetch: 4,
        logger: silentLogger,
        handler: dependency.handler,
        retryDelayMs: () => 0,
        breaker: fastBreaker,
      }),
    );
    const placed = sampleOrderPlaced();
    await publishWhenReady(bus, [sampleEventMessage(placed)]);
    // More failures than the delivery limit allows deliveries: only a hold survives them.
    await expect.poll(() => dependency.calls.length, { timeout: 15_000 }).toBeGreaterThan(DELIVERY_LIMIT + 1);
    dependency.recover();
    await expect.poll(() => dependency.handled, { timeout: 15_000 }).toEqual([placed.metadata.eventId]);
    expect(new Set(dependency.calls)).toEqual(new Set([0]));
    expect(await parkedCount(ORDER_QUEUES.confirmation)).toBe(0);
  });

  it('puts back by itself a message an outage parked (its hold ran out), once the dependency is back', async () => {
    const { bus, parkedCount } = await transport.open();
    const dependency = dependentHandler();
    const redrives: AutoRedrive[] = [];
    consumers.push(
      await bus.consume({
        queue: ORDER_QUEUES.process,
        prefetch: 4,
        logger: silentLogger,
        handler: dependency.handler,
        retryDelayMs: () => 0,
        // Holds far shorter than the cool-down: the message is parked before the breaker's first trial.
        breaker: { baseCooldownMs: 1_000, maxCooldownMs: 1_000 },
        maxHoldMs: 20,
        onAutoRedrive: (redrive) => redrives.push(redrive),
      }),
    );
    const placed = sampleOrderPlaced();
    await publishWhenReady(bus, [sampleEventMessage(placed)]);
    await expect.poll(() => parkedCount(ORDER_QUEUES.process), { timeout: 15_000 }).toBe(1);
    expect(dependency.handled).toEqual([]);
    dependency.recover();
    await expect.poll(() => dependency.handled, { timeout: 15_000 }).toEqual([placed.metadata.eventId]);
    await expect.poll(() => redrives).toEqual([{ queue: ORDER_QUEUES.process, dependency: '127.0.0.1:3306', moved: 1 }]);
    expect(await parkedCount(ORDER_QUEUES.process)).toBe(0);
  });

  it('still parks a message that fails on its own, and leaves it parked', async () => {
    const { bus, parkedCount } = await transport.open();
    const calls: number[] = [];
    consumers.push(
      await bus.consume({
        queue: ORDER_QUEUES.projection,
        prefetch: 4,
        logger: silentLogger,
        retryDelayMs: () => 0,
        handler: async (message) => {
          calls.push(message.deliveryCount);
          throw new TypeError('a bug in the handler');
        },
      }),
    );
    await publishWhenReady(bus, [sampleEventMessage(sampleOrderPlaced())]);
    await expect.poll(() => parkedCount(ORDER_QUEUES.projection), { timeout: 15_000 }).toBe(1);
    expect(calls).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
