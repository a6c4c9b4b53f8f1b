import { performance } from 'node:perf_hooks';
import { assertTopology, createAmqpConnection, type Logger, ORDERS_EXCHANGE, parseEventMessage } from '@delivery/events';

export interface LagProbe {
  /** When each order's OrderPlaced reached this consumer (performance.now()), by order id. */
  readonly arrivals: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/**
 * A consumer that does nothing but note the time: its own exclusive queue bound to the `orders` fanout
 * exchange gets a copy of every event the relay publishes, beside the real queues. Its arrival times are
 * the floor of the pipeline (outbox relay + broker + delivery), the baseline of the consumers' lag.
 */
export async function startLagProbe(amqpUrl: string, logger: Logger): Promise<LagProbe> {
  const arrivals = new Map<string, number>();
  const connection = createAmqpConnection({ url: amqpUrl, logger, name: 'bench-lag-probe' });
  const registration = connection.register(async (model) => {
    const channel = await model.createChannel();
    await assertTopology(channel);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, ORDERS_EXCHANGE, '');
    await channel.consume(
      queue,
      (message) => {
        if (message === null) return;
        const arrivedAt = performance.now();
        const { event } = parseEventMessage(message);
        if (event.type === 'OrderPlaced' && !arrivals.has(event.data.orderId)) arrivals.set(event.data.orderId, arrivedAt);
      },
      { noAck: true },
    );
  });
  try {
    await registration.ready;
  } catch (error) {
    await connection.close();
    throw error;
  }
  return {
    arrivals,
    async close() {
      registration.unregister();
      await connection.close();
    },
  };
}
