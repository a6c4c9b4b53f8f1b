import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Channel, ConsumeMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../shared/logger';
import { createTestVhost, type TestVhost } from '../testing/rabbitmq';
import { createAmqpConnection, type AmqpConnection } from './amqp-connection';
import { startConsumer } from './consumer';
import { NonRetryableError } from './delivery-handling';
import type { Consumer } from './message-bus';
import type { ReceivedEventMessage } from './event-message';
import { listParked, redriveParked } from './parked';
import { createEventPublisher, PublishError, type EventPublisher } from './publisher';
import { sampleEventMessage, sampleOrderAccepted, sampleOrderPlaced } from './testing/order-events';
import { startTcpProxy } from './testing/tcp-proxy';
import { assertTopology, DELIVERY_LIMIT, ORDER_QUEUES, orderQueueNames, parkedQueueName } from './topology';

let vhost: TestVhost;
let connection: AmqpConnection;
let publisher: EventPublisher;
let channel: Channel;
const consumers: Consumer[] = [];
const fastRetry = () => 5;

beforeAll(async () => {
  vhost = await createTestVhost();
  connection = createAmqpConnection({ url: vhost.url, logger: silentLogger, name: 'messaging-test' });
  publisher = createEventPublisher({ connection, logger: silentLogger });
  channel = await (await connection.whenConnected()).createChannel();
});

afterAll(async () => {
  await publisher?.close();
  await connection?.close();
  await vhost?.drop();
});

beforeEach(async () => {
  for (const queue of orderQueueNames) {
    await channel.purgeQueue(queue);
    await channel.purgeQueue(parkedQueueName(queue));
  }
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
});

/** Records handled messages; `all` resolves once `count` came through, `waitFor(n)` once n did. */
function collecting(count: number) {
  const received: ReceivedEventMessage[] = [];
  const waiters: { count: number; resolve: (messages: ReceivedEventMessage[]) => void }[] = [];
  const waitFor = (atLeast: number) =>
    new Promise<ReceivedEventMessage[]>((resolve) => {
      if (received.length >= atLeast) resolve(received);
      else waiters.push({ count: atLeast, resolve });
    });
  return {
    all: waitFor(count),
    waitFor,
    received,
    handler: async (message: ReceivedEventMessage) => {
      received.push(message);
      for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve(received);
    },
  };
}

/** The next message arriving in `queue`, consumed without ack so it stays there. */
async function nextMessageIn(queue: string): Promise<ConsumeMessage> {
  const watcher = await connection.whenConnected().then((model) => model.createChannel());
  try {
    return await new Promise<ConsumeMessage>((resolve) => {
      void watcher.consume(queue, (message) => message && resolve(message), { noAck: false });
    });
  } finally {
    await watcher.close();
  }
}

async function consume(
  options: Omit<Parameters<typeof startConsumer>[0], 'connection' | 'logger'> & Partial<Pick<Parameters<typeof startConsumer>[0], 'logger'>>,
): Promise<Consumer> {
  const consumer = await startConsumer({ connection, logger: silentLogger, ...options });
  consumers.push(consumer);
  return consumer;
}

describe('messaging topology', () => {
  it('can be declared twice without error', async () => {
    const model = await connection.whenConnected();
    await assertTopology(model);
    await expect(assertTopology(model)).resolves.toBeUndefined();
  });

  it('declares the work queues as quorum queues, refusing a classic redeclaration', async () => {
    const probe = await connection.whenConnected().then((model) => model.createChannel());
    probe.on('error', () => undefined);
    await expect(probe.assertQueue(ORDER_QUEUES.confirmation, { durable: true })).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('copies every published event to each of the three queues', async () => {
    await publisher.publishEvents([sampleEventMessage(sampleOrderPlaced())]);
    for (const queue of orderQueueNames) {
      expect((await channel.checkQueue(queue)).messageCount, queue).toBe(1);
    }
  });
});

describe('publisher and consumer', () => {
  it('deliver an event with its headers and properties', async () => {
    const placed = sampleOrderPlaced();
    await publisher.publishEvents([sampleEventMessage(placed, 1)]);
    const raw = await nextMessageIn(ORDER_QUEUES.projection);
    expect(raw.properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      messageId: placed.metadata.eventId,
      type: 'OrderPlaced',
      headers: {
        'x-stream-id': `order-${placed.data.orderId}`,
        'x-stream-version': 1,
        'x-event-type': 'OrderPlaced',
        'x-correlation-id': placed.metadata.correlationId,
      },
    });

    const { all, handler } = collecting(1);
    await consume({ queue: ORDER_QUEUES.process, prefetch: 5, handler });
    const [received] = await all;
    expect(received).toMatchObject({ streamId: `order-${placed.data.orderId}`, streamVersion: 1, deliveryCount: 0 });
    expect(received?.event).toEqual(placed);
  });

  it('acks handled messages so the queue ends empty', async () => {
    const placed = sampleOrderPlaced();
    const { all, handler } = collecting(2);
    const consumer = await consume({ queue: ORDER_QUEUES.process, prefetch: 5, handler });
    await publisher.publishEvents([sampleEventMessage(placed, 1), sampleEventMessage(sampleOrderAccepted(placed.data.orderId), 2)]);
    expect((await all).map((message) => message.streamVersion).sort()).toEqual([1, 2]);
    await consumer.stop();
    expect((await channel.checkQueue(ORDER_QUEUES.process)).messageCount).toBe(0);
  });

  it('writes the acks it holds back before its channel closes on stop', async () => {
    const placed = sampleOrderPlaced();
    let started = false;
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await consume({
      queue: ORDER_QUEUES.process,
      prefetch: 40,
      eventTypes: ['OrderPlaced'],
      stopTimeoutMs: 50,
      handler: async () => {
        started = true;
        await stuck;
      },
    });
    const accepted = [1, 2, 3].map(() => sampleEventMessage(sampleOrderAccepted(placed.data.orderId), 2));
    await publisher.publishEvents([sampleEventMessage(placed, 1), ...accepted]);
    await until(() => started);
    // The skipped deliveries' acks wait behind the one still handled (a multiple ack may not cover it), longer than stop waits.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await consumer.stop();
    release();
    // Only the delivery still being handled goes back to the queue when the channel closes.
    await until(async () => (await channel.checkQueue(ORDER_QUEUES.process)).messageCount === 1);
    expect((await nextMessageIn(ORDER_QUEUES.process)).properties.messageId).toBe(placed.metadata.eventId);
  });

  it('runs handlers concurrently up to the prefetch', async () => {
    let running = 0;
    let peak = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { all, handler } = collecting(3);
    await consume({
      queue: ORDER_QUEUES.process,
      prefetch: 3,
      handler: async (message) => {
        running++;
        peak = Math.max(peak, running);
        if (peak === 3) release();
        await gate;
        running--;
        await handler(message);
      },
    });
    await publisher.publishEvents([1, 2, 3].map(() => sampleEventMessage(sampleOrderPlaced())));
    await all;
    expect(peak).toBe(3);
  });

  it('refuses to publish an invalid event and sends nothing', async () => {
    const broken = { ...sampleOrderPlaced(), type: 'OrderTeleported' };
    await expect(
      publisher.publishEvents([sampleEventMessage(sampleOrderPlaced()), { ...sampleEventMessage(sampleOrderPlaced()), event: broken }]),
    ).rejects.toThrow(/invalid/);
    expect((await channel.checkQueue(ORDER_QUEUES.process)).messageCount).toBe(0);
  });

  it('rejects a publish at once while not connected', async () => {
    const offline = createAmqpConnection({ url: 'amqp://guest:guest@127.0.0.1:1', logger: silentLogger, name: 'offline' });
    const offlinePublisher = createEventPublisher({ connection: offline, logger: silentLogger });
    try {
      await expect(offlinePublisher.publishEvents([sampleEventMessage(sampleOrderPlaced())])).rejects.toThrow(PublishError);
    } finally {
      await offlinePublisher.close();
      await offline.close();
    }
  });
});

describe('failed messages', () => {
  it('parks a malformed message without calling the handler', async () => {
    let calls = 0;
    await consume({ queue: ORDER_QUEUES.confirmation, prefetch: 1, handler: async () => void calls++ });
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.confirmation));
    channel.sendToQueue(ORDER_QUEUES.confirmation, Buffer.from('{"not":"an event"'), { messageId: 'garbage-1', persistent: true });
    const message = await parked;
    expect(message.properties.messageId).toBe('garbage-1');
    expect(message.properties.headers?.['x-first-death-reason']).toBe('rejected');
    expect(calls).toBe(0);
  });

  it('parks a message at once when its handler throws a non-retryable error', async () => {
    let calls = 0;
    await consume({
      queue: ORDER_QUEUES.confirmation,
      prefetch: 1,
      retryDelayMs: fastRetry,
      handler: async () => {
        calls++;
        throw new NonRetryableError('bad address');
      },
    });
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.confirmation));
    await publisher.publishEvents([sampleEventMessage(sampleOrderPlaced())]);
    expect((await parked).properties.headers?.['x-first-death-reason']).toBe('rejected');
    expect(calls).toBe(1);
  });

  it('parks a message still being handled while the deliveries around it were acked together', async () => {
    const events = [1, 2, 3, 4, 5, 6].map(() => sampleOrderPlaced());
    const [held, last] = [events[2]?.metadata.eventId, events[5]?.metadata.eventId];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const others = collecting(4);
    await consume({
      queue: ORDER_QUEUES.confirmation,
      prefetch: 5,
      handler: async (message) => {
        const { eventId } = message.event.metadata;
        if (eventId === held) {
          await gate;
          throw new NonRetryableError('bad address');
        }
        // The sixth comes only once an ack freed room in the prefetch: the others' acks are written by then.
        if (eventId === last) return release();
        // The four others finish in the same turn of the event loop, so their acks are written together.
        await others.handler(message);
        await others.all;
      },
    });
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.confirmation));
    await publisher.publishEvents(events.map((event) => sampleEventMessage(event)));
    // A multiple ack of the others that reached past it would have settled it: its nack would then close the channel.
    expect((await parked).properties.messageId).toBe(held);
    expect((await channel.checkQueue(ORDER_QUEUES.confirmation)).messageCount).toBe(0);
  });

  it('holds the acks after a delivery still being handled, then covers them past it once it is parked', async () => {
    const placed = sampleOrderPlaced();
    const lines: string[] = [];
    let started = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await consume({
      queue: ORDER_QUEUES.process,
      prefetch: 40,
      eventTypes: ['OrderPlaced'],
      logger: createLogger({ name: 'held-acks-test', level: 'warn', destination: { write: (line) => lines.push(line) } }),
      handler: async () => {
        started = true;
        await gate;
        throw new NonRetryableError('bad order');
      },
    });
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.process));
    const accepted = [1, 2, 3].map(() => sampleEventMessage(sampleOrderAccepted(placed.data.orderId), 2));
    await publisher.publishEvents([sampleEventMessage(placed, 1), ...accepted]);
    await until(() => started);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect((await parked).properties.messageId).toBe(placed.metadata.eventId);
    // The skipped deliveries' acks went as one multiple ack over the parked one; a wrong tag would have closed the channel.
    await until(async () => (await channel.checkQueue(ORDER_QUEUES.process)).messageCount === 0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(lines.filter((line) => line.includes('channel'))).toEqual([]);
  });

  it('retries a message whose handler always fails up to the delivery limit, then parks it', async () => {
    const deliveryCounts: number[] = [];
    const consumer = await consume({
      queue: ORDER_QUEUES.process,
      prefetch: 1,
      retryDelayMs: fastRetry,
      handler: async (message) => {
        deliveryCounts.push(message.deliveryCount);
        throw new Error('kitchen unreachable');
      },
    });
    const placed = sampleOrderPlaced();
    const parked = nextMessageIn(parkedQueueName(ORDER_QUEUES.process));
    await publisher.publishEvents([sampleEventMessage(placed)]);
    const message = await parked;
    expect(message.properties.messageId).toBe(placed.metadata.eventId);
    expect(message.properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
    expect(deliveryCounts).toEqual([0, 1, 2, 3, 4, 5].slice(0, DELIVERY_LIMIT + 1));
    await consumer.stop();

    const listed = await listParked(connection, ORDER_QUEUES.process, 10);
    expect(listed.total).toBe(1);
    expect(listed.messages[0]).toMatchObject({ messageId: placed.metadata.eventId, eventType: 'OrderPlaced', reason: 'delivery_limit' });
    expect((await channel.checkQueue(parkedQueueName(ORDER_QUEUES.process))).messageCount).toBe(1);

    const { all, handler } = collecting(1);
    await consume({ queue: ORDER_QUEUES.process, prefetch: 1, handler });
    await expect(redriveParked(connection, ORDER_QUEUES.process)).resolves.toEqual({ moved: 1 });
    const [redriven] = await all;
    expect(redriven?.event.metadata.eventId).toBe(placed.metadata.eventId);
    expect(redriven?.deliveryCount).toBe(0);
    expect((await channel.checkQueue(parkedQueueName(ORDER_QUEUES.process))).messageCount).toBe(0);
  });

  it('refuses to list or redrive a queue that is not a work queue', async () => {
    await expect(redriveParked(connection, 'orders.unknown')).rejects.toThrow(RangeError);
  });
});

describe('a connection whose socket drops', () => {
  it('reconnects and consumes and publishes again', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(vhost.url).port || 5672) });
    const flaky = createAmqpConnection({ url: proxy.proxiedUrl(vhost.url), logger: silentLogger, name: 'flaky', initialDelayMs: 20 });
    const flakyPublisher = createEventPublisher({ connection: flaky, logger: silentLogger });
    const { handler, waitFor } = collecting(1);
    const consumer = await startConsumer({ connection: flaky, queue: ORDER_QUEUES.process, prefetch: 1, logger: silentLogger, handler });
    try {
      const before = sampleOrderPlaced();
      await flakyPublisher.publishEvents([sampleEventMessage(before)]);
      await waitFor(1);

      const dropped = await flaky.whenConnected();
      proxy.dropConnections();
      await expect(flakyPublisher.publishEvents([sampleEventMessage(sampleOrderPlaced())])).rejects.toThrow(PublishError);
      await until(() => flaky.current() !== null && flaky.current() !== dropped);

      const after = sampleOrderPlaced();
      await flakyPublisher.publishEvents([sampleEventMessage(after)]);
      expect((await waitFor(2)).map((message) => message.event)).toContainEqual(after);
    } finally {
      await consumer.stop();
      await flakyPublisher.close();
      await flaky.close();
      await proxy.close();
    }
  });
});

describe('a connection the broker closes', () => {
  it('reconnects and re-attaches its consumer', async () => {
    const { waitFor, handler } = collecting(2);
    await consume({ queue: ORDER_QUEUES.process, prefetch: 1, handler });
    await publisher.publishEvents([sampleEventMessage(sampleOrderPlaced())]);
    await waitFor(1);
    const closed = await connection.whenConnected();
    channel.on('error', () => undefined);

    // What a broker restart does to every client: connection.close with CONNECTION_FORCED.
    await closeConnectionsOf(vhost.name);
    await until(() => connection.current() !== null && connection.current() !== closed);
    channel = await (await connection.whenConnected()).createChannel();

    const after = sampleOrderPlaced();
    await publisher.publishEvents([sampleEventMessage(after)]);
    expect((await waitFor(2)).map((message) => message.event)).toContainEqual(after);
  });
});

async function closeConnectionsOf(vhostName: string): Promise<void> {
  const run = promisify(execFile);
  // Tab-separated "pid<TAB>vhost" lines: the JSON formatter prints pids in a form close_connection refuses.
  const { stdout } = await run('rabbitmqctl', ['-q', '--no-table-headers', 'list_connections', 'pid', 'vhost']);
  const connections = stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .map(([pid = '', vhost = '']) => ({ pid, vhost }));
  const mine = connections.filter((entry) => entry.vhost === vhostName);
  expect(mine.length).toBeGreaterThan(0);
  for (const { pid } of mine) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'test: forced close']);
}

/** Polls a condition with a bounded deadline, for state that offers nothing to await. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
