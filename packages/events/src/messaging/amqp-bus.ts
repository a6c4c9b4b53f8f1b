import { createAmqpConnection, type AmqpConnection, type AmqpConnectionOptions } from './amqp-connection';
import { startConsumer } from './consumer';
import { parseEventMessage } from './event-message';
import type { ConsumeOptions, MessageBus } from './message-bus';
import { bothTold } from './consumer-gate';
import { createEventPublisher } from './publisher';
import { assertTopology, ORDERS_EXCHANGE } from './topology';

/** The RabbitMQ bus; `connection` is there for operator tools (parked messages) that speak AMQP itself. */
export interface AmqpBus extends MessageBus {
  readonly kind: 'rabbitmq';
  readonly connection: AmqpConnection;
}

/**
 * The message bus over RabbitMQ: a reconnecting connection, the durable fanout `orders` and its quorum
 * queues (declared by every publisher and consumer on every connection), confirms on publish.
 * @example
 * const bus = createAmqpBus({ url: config.AMQP_URL, logger, name: 'email' });
 * const consumer = await bus.consume({ queue: ORDER_QUEUES.confirmation, prefetch: 8, logger, handler });
 */
export function createAmqpBus(options: AmqpConnectionOptions & Pick<ConsumeOptions, 'onAutoRedrive'>): AmqpBus {
  const { logger } = options;
  const connection = createAmqpConnection(options);
  return {
    kind: 'rabbitmq',
    connection,
    createPublisher: () => createEventPublisher({ connection, logger }),
    consume: (consumeOptions) => startConsumer({ ...consumeOptions, connection, onAutoRedrive: bothTold(options.onAutoRedrive, consumeOptions.onAutoRedrive) }),
    watch(listener) {
      // An exclusive, server-named queue of this process, bound to the fanout: every watcher hears every event.
      const registration = connection.register(async (model) => {
        const channel = await model.createChannel();
        channel.on('error', (error: Error) => logger.warn({ err: error }, 'watch channel error'));
        await assertTopology(model, logger);
        const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
        await channel.bindQueue(queue, ORDERS_EXCHANGE, '');
        await channel.consume(
          queue,
          (message) => {
            if (!message) return;
            try {
              listener.onEvent(parseEventMessage(message));
            } catch (error) {
              logger.warn({ err: error }, 'watch: ignoring a malformed message');
            }
          },
          { noAck: true },
        );
        // Whatever happened while disconnected, the watcher catches up once.
        listener.onResync();
      });
      return { ready: registration.ready, close: () => registration.unregister() };
    },
    isConnected: () => connection.current() !== null,
    whenConnected: () => connection.whenConnected().then(() => undefined),
    close: () => connection.close(),
  };
}
