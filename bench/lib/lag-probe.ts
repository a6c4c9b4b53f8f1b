import { performance } from 'node:perf_hooks';
import { createAmqpBus, type Logger } from '@delivery/events';

export interface LagProbe {
  /** When each order's OrderPlaced reached this consumer (performance.now()), by order id. */
  readonly arrivals: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/**
 * A consumer that does nothing but note the time: the bus's watch (its own exclusive queue bound to the
 * `orders` fanout exchange) gets a copy of every event the relay publishes, beside the real queues. Its
 * arrival times are the floor of the pipeline (outbox relay + broker + delivery), the baseline of the
 * consumers' lag.
 */
export async function startLagProbe(amqpUrl: string, logger: Logger): Promise<LagProbe> {
  const arrivals = new Map<string, number>();
  const bus = createAmqpBus({ url: amqpUrl, logger, name: 'bench-lag-probe' });
  const watch = bus.watch({
    onEvent: ({ event }) => {
      const arrivedAt = performance.now();
      if (event.type === 'OrderPlaced' && !arrivals.has(event.data.orderId)) arrivals.set(event.data.orderId, arrivedAt);
    },
    onResync: () => undefined,
  });
  try {
    await watch.ready;
  } catch (error) {
    await bus.close();
    throw error;
  }
  return {
    arrivals,
    async close() {
      watch.close();
      await bus.close();
    },
  };
}
