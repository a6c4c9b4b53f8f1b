import type { Channel } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import { ackCoalescingFor, type ChannelSettlement, settleOn } from './channel-settlement';
import { createConsumerGate } from './consumer-gate';
import { delay } from '../shared/backoff';
import { createDeliveryRunner } from './delivery-batches';
import type { ConsumeOptions, Consumer } from './message-bus';
import { redriveParked } from './parked';
import { assertTopology } from './topology';

export interface StartConsumerOptions extends ConsumeOptions {
  connection: AmqpConnection;
}

interface Attached {
  channel: Channel;
  consumerTag: string;
  settlement: ChannelSettlement;
}

/**
 * Consumes order events from a RabbitMQ queue with manual acks (see `handleDelivery` for what is acked,
 * retried and parked): a parked message is nacked without requeue, which dead-letters it; a retried one
 * is nacked with requeue, which counts towards the queue's delivery limit; acks are held back a few
 * milliseconds to go together (`settleOn`) and written before the channel closes on stop. Re-attaches after
 * every reconnection. Resolves once consuming. Usually reached through `MessageBus.consume`.
 * @example
 * const consumer = await startConsumer({ connection, queue: ORDER_QUEUES.confirmation, prefetch: 10, logger,
 *   handler: async ({ event }) => { ... } });
 * await consumer.stop();
 */
export async function startConsumer(options: StartConsumerOptions): Promise<Consumer> {
  const { connection, queue, prefetch } = options;
  const logger = options.logger.child({ queue });
  const policy = { ...options, logger };
  const inFlight = new Set<Promise<void>>();
  const stopSignal = new AbortController();
  let attached: Attached | null = null;
  const gate = createConsumerGate({
    queue,
    logger,
    redrive: (only) => redriveParked(connection, queue, { only }),
    onAutoRedrive: options.onAutoRedrive,
    ...(options.breaker ? { breaker: options.breaker } : {}),
  });

  const run = createDeliveryRunner(policy, stopSignal.signal, gate);

  const registration = connection.register(async (model) => {
    if (stopSignal.signal.aborted) return;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => logger.warn({ err: error }, 'consumer channel error'));
    channel.on('close', () => {
      if (attached?.channel === channel) attached = null;
      // A channel that dies while its connection lives would leave this queue without a consumer.
      if (!stopSignal.signal.aborted) connection.reset(model, new Error(`consumer channel of ${queue} closed`));
    });
    await assertTopology(model, logger);
    await channel.prefetch(prefetch);
    const settlement = settleOn(channel, ackCoalescingFor(prefetch), (error, message, outcome) =>
      // The channel closed under us; the broker has already put the message back for redelivery.
      logger.warn({ err: error, outcome, messageId: message.properties.messageId }, 'could not settle message: channel closed'),
    );
    const { consumerTag } = await channel.consume(
      queue,
      (message) => {
        if (message === null) {
          // The broker cancelled us (queue deleted): start over, which declares it again.
          connection.reset(model, new Error(`consumer of ${queue} cancelled by the broker`));
          return;
        }
        settlement.delivered(message);
        const handling = run(message).then((outcome) => settlement.settle(message, outcome));
        inFlight.add(handling);
        void handling.finally(() => inFlight.delete(handling));
      },
      { noAck: false },
    );
    if (stopSignal.signal.aborted) {
      // stop() ran while this (re)attachment was under way: undo it.
      await channel.close().catch(() => undefined);
      return;
    }
    attached = { channel, consumerTag, settlement };
    logger.info({ prefetch }, 'consuming');
  });

  await registration.ready;

  return {
    queue,
    async stop() {
      if (stopSignal.signal.aborted) return;
      stopSignal.abort();
      registration.unregister();
      const current = attached;
      if (current) await current.channel.cancel(current.consumerTag).catch(() => undefined);
      // Acks held back to go together are written now, not after their wait, so the channel closes on them settled.
      current?.settlement.drain();
      const timeout = delay(options.stopTimeoutMs ?? 10_000);
      await Promise.race([Promise.allSettled([...inFlight]), timeout.promise]);
      timeout.cancel();
      if (current) await current.channel.close().catch(() => undefined);
      logger.info({}, 'consumer stopped');
    },
  };
}
