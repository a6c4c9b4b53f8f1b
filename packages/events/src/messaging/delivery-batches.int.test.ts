import { afterEach, describe, expect, it } from 'vitest';
import { orderIdFromStreamId } from '../order/order.events';
import { silentLogger } from '../shared/logger';
import type { BatchEventHandler } from './delivery-batches';
import { NonRetryableError } from './delivery-handling';
import type { EventHandler, ReceivedEventMessage } from './event-message';
import type { Consumer, MessageBus } from './message-bus';
import { busTransports, connectionRefused, type OpenedBus, publishWhenReady } from './testing/bus-transports';
import { sampleEventMessage, sampleOrderAccepted, sampleOrderPlaced } from './testing/order-events';
import { ORDER_QUEUES } from './topology';

const opened: OpenedBus[] = [];
const consumers: Consumer[] = [];

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  await Promise.all(opened.splice(0).map((transport) => transport.close()));
});

const QUEUE = ORDER_QUEUES.projection;
/** `count` placed events as messages, and their event ids (the messages' ids once received). */
function placedMessages(count: number) {
  const events = Array.from({ length: count }, () => sampleOrderPlaced());
  return { messages: events.map((event) => sampleEventMessage(event)), ids: events.map((event) => event.metadata.eventId) };
}

/** What the batch and the one-message handlers saw: event ids, with each batch's size and delivery counts. */
function recorder() {
  const batches: number[] = [];
  const batched: string[] = [];
  const singles: string[] = [];
  const deliveryCounts: number[] = [];
  const handledIds = () => [...batched, ...singles].sort();
  return { batches, batched, singles, deliveryCounts, handledIds };
}

async function consume(
  bus: MessageBus,
  handlers: { batch: BatchEventHandler; single: EventHandler },
  extra: { breaker?: { baseCooldownMs: number; maxCooldownMs: number }; eventTypes?: readonly ['OrderPlaced'] } = {},
): Promise<void> {
  consumers.push(
    await bus.consume({
      queue: QUEUE,
      prefetch: 16,
      logger: silentLogger,
      retryDelayMs: () => 0,
      handler: handlers.single,
      batch: { handler: handlers.batch },
      ...extra,
    }),
  );
}

const idsOf = (messages: readonly ReceivedEventMessage[]) => messages.map((message) => message.messageId);

describe.each(busTransports)('batch delivery on $name', ({ open }) => {
  const openBus = async () => {
    const transport = await open();
    opened.push(transport);
    return transport;
  };

  it('hands the messages that wait together to the batch handler at once, and acks them after it', async () => {
    const { bus, parkedCount } = await openBus();
    const { messages, ids } = placedMessages(12);
    await publishWhenReady(bus, messages);
    const seen = recorder();
    await consume(bus, {
      batch: async (batch) => {
        seen.batches.push(batch.length);
        seen.batched.push(...idsOf(batch));
        return { leftOver: [] };
      },
      single: async (message) => {
        seen.singles.push(message.messageId);
      },
    });
    await expect.poll(seen.handledIds, { timeout: 10_000 }).toEqual([...ids].sort());
    expect(Math.max(...seen.batches)).toBeGreaterThan(1);
    // Acked: a consumer started after this one stopped gets nothing again.
    await consumers.splice(0)[0]?.stop();
    const again = recorder();
    await consume(bus, {
      batch: async (batch) => ({ leftOver: (again.batched.push(...idsOf(batch)), []) }),
      single: async (m) => void again.singles.push(m.messageId),
    });
    await publishWhenReady(bus, placedMessages(1).messages);
    await expect.poll(again.handledIds, { timeout: 10_000 }).toHaveLength(1);
    expect(await parkedCount(QUEUE)).toBe(0);
  });

  it('runs what the batch handler leaves over through the one-message handler', async () => {
    const { bus } = await openBus();
    const { messages, ids } = placedMessages(8);
    const leftIds = new Set(ids.slice(0, 3));
    await publishWhenReady(bus, messages);
    const seen = recorder();
    await consume(bus, {
      batch: async (batch) => {
        const leftOver = batch.filter((message) => leftIds.has(message.messageId));
        seen.batched.push(...idsOf(batch.filter((message) => !leftIds.has(message.messageId))));
        return { leftOver };
      },
      single: async (message) => {
        seen.singles.push(message.messageId);
      },
    });
    await expect.poll(seen.handledIds, { timeout: 10_000 }).toEqual([...ids].sort());
    // Whatever came alone went to the one-message handler too; every left-over message did.
    for (const id of leftIds) expect(seen.singles).toContain(id);
  });

  it('parks a message that fails on its own alone, and handles the rest of its batch', async () => {
    const { bus, parkedCount } = await openBus();
    const { messages, ids } = placedMessages(10);
    const poison = ids[4];
    await publishWhenReady(bus, messages);
    const seen = recorder();
    await consume(bus, {
      batch: async (batch) => {
        if (batch.some((message) => message.messageId === poison)) throw new TypeError('a bug the poison message triggers');
        seen.batched.push(...idsOf(batch));
        return { leftOver: [] };
      },
      single: async (message) => {
        if (message.messageId === poison) throw new NonRetryableError('cannot be handled');
        seen.singles.push(message.messageId);
      },
    });
    await expect.poll(seen.handledIds, { timeout: 10_000 }).toEqual(ids.filter((id) => id !== poison).sort());
    await expect.poll(() => parkedCount(QUEUE), { timeout: 10_000 }).toBe(1);
  });

  it('gathers deliveries that arrive one by one within maxWaitMs into one batch, started once it is full', async () => {
    const { bus } = await openBus();
    const seen = recorder();
    consumers.push(
      await bus.consume({
        queue: QUEUE,
        prefetch: 16,
        logger: silentLogger,
        handler: async (message) => void seen.singles.push(message.messageId),
        batch: { handler: recordingHandlers(seen).batch, maxSize: 3, maxWaitMs: 60_000 },
      }),
    );
    const trickled = [placedMessages(1), placedMessages(1), placedMessages(1)];
    for (const { messages } of trickled) await publishWhenReady(bus, messages);
    await expect.poll(seen.handledIds, { timeout: 10_000 }).toEqual(trickled.flatMap(({ ids }) => ids).sort());
    expect(seen.singles).toEqual([]);
  });

  it('holds a batch while its dependency is down, spending none of its delivery limit, and handles it once it is back', async () => {
    const { bus, parkedCount } = await openBus();
    let down = true;
    const { messages, ids } = placedMessages(6);
    await publishWhenReady(bus, messages);
    const seen = recorder();
    await consume(
      bus,
      {
        batch: async (batch) => {
          seen.deliveryCounts.push(...batch.map((message) => message.deliveryCount));
          if (down) throw connectionRefused();
          seen.batched.push(...idsOf(batch));
          return { leftOver: [] };
        },
        single: async (message) => {
          seen.deliveryCounts.push(message.deliveryCount);
          if (down) throw connectionRefused();
          seen.singles.push(message.messageId);
        },
      },
      { breaker: { baseCooldownMs: 20, maxCooldownMs: 100 } },
    );
    await expect.poll(() => seen.deliveryCounts.length, { timeout: 10_000 }).toBeGreaterThan(12);
    down = false;
    await expect.poll(seen.handledIds, { timeout: 15_000 }).toEqual([...ids].sort());
    expect(new Set(seen.deliveryCounts)).toEqual(new Set([0]));
    expect(await parkedCount(QUEUE)).toBe(0);
  });
});

describe.each(busTransports)('event types a consumer takes, on $name', ({ open }) => {
  it('acks the deliveries of the other types without handing them to either handler', async () => {
    const transport = await open();
    opened.push(transport);
    const { bus, parkedCount } = transport;
    const { messages, ids } = placedMessages(4);
    const others = messages.map((message) => sampleEventMessage(sampleOrderAccepted(orderIdFromStreamId(message.streamId)), 2));
    await publishWhenReady(bus, [...messages, ...others]);
    const seen = recorder();
    const record = recordingHandlers(seen);
    await consume(bus, record, { eventTypes: ['OrderPlaced'] });
    await expect.poll(seen.handledIds, { timeout: 10_000 }).toEqual([...ids].sort());
    // Acked, not left in the queue: a consumer of every type started afterwards gets only what is published then.
    await consumers.splice(0)[0]?.stop();
    const later = recorder();
    await consume(bus, recordingHandlers(later));
    const next = placedMessages(1);
    await publishWhenReady(bus, next.messages);
    await expect.poll(later.handledIds, { timeout: 10_000 }).toEqual(next.ids);
    expect(seen.handledIds()).toEqual([...ids].sort());
    expect(await parkedCount(QUEUE)).toBe(0);
  });
});

function recordingHandlers(seen: ReturnType<typeof recorder>): { batch: BatchEventHandler; single: EventHandler } {
  return {
    batch: async (batch) => {
      seen.batches.push(batch.length);
      seen.batched.push(...idsOf(batch));
      return { leftOver: [] };
    },
    single: async (message) => void seen.singles.push(message.messageId),
  };
}
