import {
  assertTopology,
  createAmqpBus,
  createMysqlDb,
  createMysqlEventStore,
  getOutboxStatus,
  migrateEventStore,
  ORDER_QUEUES,
  orderQueueNames,
  orderStreamId,
  parkedQueueName,
  silentLogger,
  type AmqpChannel,
  type AmqpBus,
  type EventStore,
  type EventStoreDatabase,
} from '@delivery/events';
import {
  createTestMysqlDatabase,
  createTestVhost,
  sampleOrderAccepted,
  sampleOrderPlaced,
  startTcpProxy,
  type TestDatabase,
  type TestVhost,
} from '@delivery/events/testing';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

let database: TestDatabase;
let db: Kysely<EventStoreDatabase>;
let store: EventStore;
let vhost: TestVhost;
let bus: AmqpBus;
let channel: AmqpChannel;
const relays: OutboxRelay[] = [];
const extraBuses: AmqpBus[] = [];

beforeAll(async () => {
  [database, vhost] = await Promise.all([createTestMysqlDatabase(), createTestVhost()]);
  db = createMysqlDb<EventStoreDatabase>(database.url);
  await migrateEventStore(db);
  store = createMysqlEventStore({ db });
  bus = createAmqpBus({ url: vhost.url, logger: silentLogger, name: 'relay-test' });
  channel = await (await bus.connection.whenConnected()).createChannel();
  await assertTopology(channel);
});

afterAll(async () => {
  await bus?.close();
  await db?.destroy();
  await Promise.all([database?.drop(), vhost?.drop()]);
});

beforeEach(async () => {
  // Every test starts with nothing pending and empty queues.
  await db.updateTable('outbox').set({ published_at: new Date() }).where('published_at', 'is', null).execute();
  for (const queue of orderQueueNames) {
    await channel.purgeQueue(queue);
    await channel.purgeQueue(parkedQueueName(queue));
  }
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  await Promise.all(extraBuses.splice(0).map((extra) => extra.close()));
});

function relay(options: Partial<OutboxRelayOptions<EventStoreDatabase>> = {}): OutboxRelay {
  const started = startOutboxRelay({ db, bus, logger: silentLogger, batchSize: 10, pollIntervalMs: 20, retryInitialMs: 20, ...options });
  relays.push(started);
  return started;
}

/** Places `count` orders, accepting every other one, through the real event store (which fills the outbox). */
async function appendOrders(count: number): Promise<string[]> {
  const eventIds: string[] = [];
  for (let index = 0; index < count; index++) {
    const placed = sampleOrderPlaced();
    const events = index % 2 === 0 ? [placed, sampleOrderAccepted(placed.data.orderId)] : [placed];
    await store.appendToStream(orderStreamId(placed.data.orderId), events, { expectedVersion: 'no_stream' });
    eventIds.push(...events.map((event) => event.metadata.eventId));
  }
  return eventIds;
}

/** Resolves with the message ids of the first `count` messages reaching `queue` (acked, so they leave it). */
async function receive(queue: string, count: number): Promise<string[]> {
  const watcher = await (await bus.connection.whenConnected()).createChannel();
  const ids: string[] = [];
  try {
    await new Promise<void>((resolve) => {
      void watcher.consume(queue, (message) => {
        if (!message) return;
        ids.push(String(message.properties.messageId));
        watcher.ack(message);
        if (ids.length === count) resolve();
      });
    });
    return ids;
  } finally {
    await watcher.close();
  }
}

/** Every message id waiting in `queue`, taken out of it. */
async function drain(queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return ids;
    ids.push(String(message.properties.messageId));
  }
}

describe('outbox relay', () => {
  it('publishes every outbox row once, in order per stream, and marks it published', async () => {
    const eventIds = await appendOrders(6);
    expect((await getOutboxStatus(db, new Date())).pending).toBe(eventIds.length);

    const started = relay();
    const received = await receive(ORDER_QUEUES.process, eventIds.length);
    await started.stop();

    expect(new Set(received)).toEqual(new Set(eventIds));
    expect(await getOutboxStatus(db, new Date())).toEqual({ pending: 0, oldestPendingAgeMs: null });
    // Another queue's copy, counted after the relay stopped: nothing was published twice.
    expect((await drain(ORDER_QUEUES.confirmation)).sort()).toEqual([...eventIds].sort());
    expect(received.indexOf(eventIds[0] ?? '')).toBeLessThan(received.indexOf(eventIds[1] ?? ''));
  });

  it('shares the outbox between two relays without publishing a row twice', async () => {
    const second = createAmqpBus({ url: vhost.url, logger: silentLogger, name: 'relay-test-2' });
    extraBuses.push(second);
    const eventIds = await appendOrders(60);

    const relays = [relay({ batchSize: 5 }), relay({ batchSize: 5, bus: second })];
    await receive(ORDER_QUEUES.process, eventIds.length);
    await Promise.all(relays.map((started) => started.stop()));

    const published = await drain(ORDER_QUEUES.confirmation);
    expect(published).toHaveLength(eventIds.length);
    expect(new Set(published)).toEqual(new Set(eventIds));
    expect((await getOutboxStatus(db, new Date())).pending).toBe(0);
  });

  it('publishes at once when woken, without waiting out its poll interval', async () => {
    const started = relay({ pollIntervalMs: 600_000 });
    // The first pass finds nothing; the relay then idles for ten minutes unless woken.
    const [eventId] = await appendOrders(1);
    const arrived = receive(ORDER_QUEUES.process, 1);
    started.wake();
    expect(await arrived).toEqual([eventId]);
  });

  it('keeps rows pending while the broker is unreachable and publishes them once it is back', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(vhost.url).port || 5672) });
    const throughProxy = createAmqpBus({ url: proxy.proxiedUrl(vhost.url), logger: silentLogger, name: 'relay-proxied', initialDelayMs: 20, maxDelayMs: 200 });
    extraBuses.push(throughProxy);
    try {
      await throughProxy.whenConnected();
      relay({ bus: throughProxy });
      proxy.block();
      const eventIds = await appendOrders(3);
      expect((await getOutboxStatus(db, new Date())).pending).toBe(eventIds.length);

      const arrived = receive(ORDER_QUEUES.process, eventIds.length);
      proxy.unblock();
      expect(new Set(await arrived)).toEqual(new Set(eventIds));
    } finally {
      await Promise.all(relays.splice(0).map((started) => started.stop()));
      await proxy.close();
    }
    expect((await getOutboxStatus(db, new Date())).pending).toBe(0);
  });
});
