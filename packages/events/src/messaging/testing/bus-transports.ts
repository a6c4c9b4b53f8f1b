import { expect } from 'vitest';
import { silentLogger } from '../../shared/logger';
import { createTestVhost } from '../../testing/rabbitmq';
import { createAmqpBus } from '../amqp-bus';
import { createInProcessBus } from '../in-process/in-process-bus';
import { memoryQueueStorage } from '../in-process/queue-storage';
import type { MessageBus } from '../message-bus';
import { listParked } from '../parked';
import type { EventPublisher } from '../publisher';

/** A bus of one transport for one test, with what the test reads back, and `close()` that removes it (vhost and all). */
export interface OpenedBus {
  bus: MessageBus;
  parkedCount(queue: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Both transports, for tests that must hold on either: RabbitMQ on a vhost of its own (the fanout gives every
 * queue a copy, so queues of one test would hold another's messages) and the in-process bus in memory.
 * @example describe.each(busTransports)('on $name', (transport) => { it('...', async () => { const { bus } = await transport.open(); }); });
 */
export const busTransports: { name: string; open(): Promise<OpenedBus> }[] = [
  {
    name: 'RabbitMQ',
    async open() {
      const vhost = await createTestVhost();
      const bus = createAmqpBus({ url: vhost.url, logger: silentLogger, name: 'bus-test' });
      await bus.whenConnected();
      return {
        bus,
        parkedCount: async (queue) => (await listParked(bus.connection, queue, 0)).total,
        async close() {
          await bus.close();
          await vhost.drop();
        },
      };
    },
  },
  {
    name: 'the in-process bus',
    async open() {
      const bus = await createInProcessBus({ storage: memoryQueueStorage(), logger: silentLogger });
      return { bus, parkedCount: async (queue) => (await bus.listParked(queue)).length, close: () => bus.close() };
    },
  },
];

/** Publishes once the publisher's channel is up (it opens in the background). */
export async function publishWhenReady(bus: MessageBus, messages: Parameters<EventPublisher['publishEvents']>[0]): Promise<void> {
  const publisher = bus.createPublisher();
  await expect
    .poll(
      () =>
        publisher.publishEvents(messages).then(
          () => true,
          () => false,
        ),
      { timeout: 5_000 },
    )
    .toBe(true);
  await publisher.close();
}

/** What a refused database connection throws (mysql2 and pg both pass the socket's error on). */
export const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 3306 });
