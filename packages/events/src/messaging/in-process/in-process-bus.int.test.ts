import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger';
import { NonRetryableError } from '../delivery-handling';
import type { EventHandler } from '../event-message';
import { MalformedMessageError, type ReceivedEventMessage } from '../event-message';
import type { Consumer } from '../message-bus';
import { sampleEventMessage, sampleOrderPlaced } from '../testing/order-events';
import { DELIVERY_LIMIT, ORDER_QUEUES, orderQueueNames } from '../topology';
import { createInProcessBus, type InProcessBus } from './in-process-bus';
import { folderQueueStorage, memoryQueueStorage, type QueueStorage } from './queue-storage';

const noRetryDelay = () => 0;
const running: Consumer[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function newFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'bus-'));
  folders.push(folder);
  return folder;
}

async function consume(bus: InProcessBus, queue: string, handler: EventHandler, extra: { prefetch?: number; stopTimeoutMs?: number } = {}) {
  const consumer = await bus.consume({ queue, prefetch: extra.prefetch ?? 10, handler, logger: silentLogger, retryDelayMs: noRetryDelay, ...extra });
  running.push(consumer);
  return consumer;
}

/** A handler that records what it saw and resolves `until` once `count` messages arrived. */
function collector(count: number) {
  const seen: ReceivedEventMessage[] = [];
  let done!: () => void;
  const until = new Promise<void>((resolve) => (done = resolve));
  const handler: EventHandler = async (message) => {
    seen.push(message);
    if (seen.length === count) done();
  };
  return { seen, until, handler };
}

const placedMessage = () => sampleEventMessage(sampleOrderPlaced());

const newBus = (storage: QueueStorage = memoryQueueStorage()) => createInProcessBus({ storage, logger: silentLogger });

describe('in-process bus', () => {
  it('gives every queue a copy of every event, and an acked message leaves its queue', async () => {
    const storage = memoryQueueStorage();
    const bus = await newBus(storage);
    const messages = [placedMessage(), placedMessage()];
    await bus.createPublisher().publishEvents(messages);
    for (const queue of orderQueueNames) {
      const { seen, until, handler } = collector(2);
      await consume(bus, queue, handler);
      await until;
      expect(seen.map((message) => message.messageId)).toEqual(
        messages.map((message) => (message.event as { metadata: { eventId: string } }).metadata.eventId),
      );
    }
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
    for (const queue of orderQueueNames) expect(await storage.load(queue)).toEqual([]);
  });

  it('shares a queue between competing consumers', async () => {
    const bus = await newBus();
    const total = collector(20);
    const byConsumer = [0, 0];
    for (const index of [0, 1]) {
      await consume(
        bus,
        ORDER_QUEUES.process,
        async (message, context) => {
          byConsumer[index] = (byConsumer[index] ?? 0) + 1;
          await total.handler(message, context);
        },
        { prefetch: 1 },
      );
    }
    await bus.createPublisher().publishEvents(Array.from({ length: 20 }, () => placedMessage()));
    await total.until;
    expect(new Set(total.seen.map((message) => message.messageId)).size).toBe(20);
    expect(byConsumer[0]).toBeGreaterThan(0);
    expect(byConsumer[1]).toBeGreaterThan(0);
  });

  it('retries a failing message with a growing delivery count, then parks it at the limit', async () => {
    const bus = await newBus();
    const counts: number[] = [];
    let parked!: () => void;
    const allTries = new Promise<void>((resolve) => (parked = resolve));
    await consume(bus, ORDER_QUEUES.confirmation, async (message) => {
      counts.push(message.deliveryCount);
      if (message.deliveryCount === DELIVERY_LIMIT) setImmediate(parked);
      throw new Error('SMTP is down');
    });
    const message = placedMessage();
    await bus.createPublisher().publishEvents([message]);
    await allTries;
    await expect.poll(() => bus.listParked(ORDER_QUEUES.confirmation).then((list) => list.map((parked) => parked.parkedReason))).toEqual(['delivery_limit']);
    expect(counts).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('parks a message its handler refuses for good at once', async () => {
    const bus = await newBus();
    await consume(bus, ORDER_QUEUES.process, async () => {
      throw new NonRetryableError('order refused');
    });
    await bus.createPublisher().publishEvents([placedMessage()]);
    await expect.poll(() => bus.listParked(ORDER_QUEUES.process).then((list) => list.map((message) => message.parkedReason))).toEqual(['rejected']);
  });

  it('redrives parked messages from its folder into their queue with a fresh delivery count', async () => {
    const folder = await newFolder();
    const storage = folderQueueStorage(folder);
    const first = await newBus(storage);
    await consume(first, ORDER_QUEUES.process, async () => {
      throw new NonRetryableError('order refused');
    });
    const message = placedMessage();
    await first.createPublisher().publishEvents([message]);
    await expect.poll(() => first.listParked(ORDER_QUEUES.process).then((list) => list.length)).toBe(1);
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));

    expect(await storage.redrive(ORDER_QUEUES.process)).toBe(1);
    expect(await storage.listParked(ORDER_QUEUES.process)).toEqual([]);
    const second = await newBus(folderQueueStorage(folder));
    const { seen, until, handler } = collector(1);
    await consume(second, ORDER_QUEUES.process, handler);
    await until;
    expect(seen[0]).toMatchObject({ streamId: message.streamId, deliveryCount: 0 });
  });

  it('refuses an invalid event before keeping anything', async () => {
    const storage = memoryQueueStorage();
    const bus = await newBus(storage);
    const invalid = { ...placedMessage(), streamId: 'order-not-this-one' };
    await expect(bus.createPublisher().publishEvents([invalid])).rejects.toBeInstanceOf(MalformedMessageError);
    for (const queue of orderQueueNames) expect(await storage.load(queue)).toEqual([]);
  });

  it('keeps unacked messages in its folder: a bus started after a crash delivers them', async () => {
    const folder = await newFolder();
    const crashed = await newBus(folderQueueStorage(folder));
    const message = placedMessage();
    await crashed.createPublisher().publishEvents([message]);
    // A handler that never finishes: the process "dies" holding the message.
    await consume(crashed, ORDER_QUEUES.projection, () => new Promise<void>(() => undefined), { stopTimeoutMs: 0 });

    const restarted = await newBus(folderQueueStorage(folder));
    const { seen, until, handler } = collector(1);
    await consume(restarted, ORDER_QUEUES.projection, handler);
    await until;
    expect(seen[0]?.streamId).toBe(message.streamId);
  });

  it('hands a message back to the queue when its consumer stops before finishing', async () => {
    const bus = await newBus();
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    const stuck = await consume(
      bus,
      ORDER_QUEUES.process,
      async () => {
        started();
        await new Promise<void>(() => undefined);
      },
      { stopTimeoutMs: 10 },
    );
    await bus.createPublisher().publishEvents([placedMessage()]);
    await handling;
    await stuck.stop();
    const { seen, until, handler } = collector(1);
    await consume(bus, ORDER_QUEUES.process, handler);
    await until;
    expect(seen[0]?.redelivered).toBe(true);
  });

  it('redrives parked messages of a running bus to its consumers', async () => {
    const bus = await newBus();
    let refusing = true;
    const delivered: number[] = [];
    await consume(bus, ORDER_QUEUES.confirmation, async (message) => {
      if (refusing) throw new NonRetryableError('bad address');
      delivered.push(message.deliveryCount);
    });
    await bus.createPublisher().publishEvents([placedMessage(), placedMessage()]);
    await expect.poll(() => bus.listParked(ORDER_QUEUES.confirmation).then((list) => list.length)).toBe(2);
    refusing = false;
    expect(await bus.redriveParked(ORDER_QUEUES.confirmation)).toBe(2);
    await expect.poll(() => delivered).toEqual([0, 0]);
    expect(await bus.listParked(ORDER_QUEUES.confirmation)).toEqual([]);
  });

  it('tells watchers about every event', async () => {
    const bus = await newBus();
    const watched: string[] = [];
    const watch = bus.watch({ onEvent: (message) => watched.push(message.messageId), onResync: () => undefined });
    await watch.ready;
    const messages = [placedMessage(), placedMessage()];
    await bus.createPublisher().publishEvents(messages);
    watch.close();
    await bus.createPublisher().publishEvents([placedMessage()]);
    expect(watched).toHaveLength(2);
  });
});
