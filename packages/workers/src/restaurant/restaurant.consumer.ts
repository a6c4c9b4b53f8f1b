import { ORDER_QUEUES, type MessageBus, type Clock, type Consumer, type Logger, type ReceivedEventMessage } from '@delivery/events';

/** What the vendor does to an order: in production the API, called with a vendor token through the SDK. */
export interface RestaurantActions {
  /** Resolves 'done' when the order is accepted, 'settled' when it was no longer pending (a redelivery). */
  accept(orderId: string): Promise<'done' | 'settled'>;
  markDelivered(orderId: string): Promise<'done' | 'settled'>;
}

export interface RestaurantConsumerOptions {
  bus: MessageBus;
  actions: RestaurantActions;
  clock: Clock;
  logger: Logger;
  deliveryDelayMs: number;
  /** Orders in flight at once, most of them waiting out the delivery delay. */
  prefetch?: number;
}

/**
 * Plays the restaurant on `orders.process`: accepts every placed order and marks it delivered
 * `deliveryDelayMs` after it was accepted.
 *
 * The wait is durable without a timer store: an `OrderAccepted` message stays unacked while its wait runs,
 * and the deadline is computed from the event's own `occurredAt`. A worker that dies mid-wait leaves the
 * message to the broker, which redelivers it to another worker that waits only what is left. Waits are
 * timers, not a sleeping handler, so one worker holds up to `prefetch` orders at once.
 */
export async function startRestaurantConsumer(options: RestaurantConsumerOptions): Promise<Consumer> {
  const stopping = new AbortController();
  const consumer = await options.bus.consume({
    queue: ORDER_QUEUES.process,
    prefetch: options.prefetch ?? 500,
    // A third of the orders' messages (delivered, and the rare rejected or cancelled) ask nothing of the
    // restaurant: acked by their event type, unread.
    eventTypes: ['OrderPlaced', 'OrderAccepted'],
    logger: options.logger,
    handler: (message, { logger }) => handleRestaurantMessage(options, message, logger, stopping.signal),
  });
  return {
    queue: consumer.queue,
    async stop() {
      stopping.abort();
      await consumer.stop();
    },
  };
}

async function handleRestaurantMessage(
  options: RestaurantConsumerOptions,
  { event }: ReceivedEventMessage,
  logger: Logger,
  stopping: AbortSignal,
): Promise<void> {
  const { orderId } = event.data;
  switch (event.type) {
    case 'OrderPlaced': {
      const outcome = await options.actions.accept(orderId);
      logger.info({ orderId, outcome }, outcome === 'done' ? 'order accepted' : 'order no longer pending');
      return;
    }
    case 'OrderAccepted': {
      const dueAt = Date.parse(event.metadata.occurredAt) + options.deliveryDelayMs;
      await waitUntil(dueAt, options.clock, stopping);
      const outcome = await options.actions.markDelivered(orderId);
      logger.info({ orderId, outcome }, outcome === 'done' ? 'order delivered' : 'order no longer accepted');
      return;
    }
    case 'OrderRejected':
    case 'OrderCancelled':
    case 'OrderDelivered':
      return;
    default: {
      const _exhaustive: never = event;
      throw new Error(`unknown event ${JSON.stringify(_exhaustive)}`);
    }
  }
}

class StoppingError extends Error {
  constructor() {
    super('worker is stopping; the message goes back to the queue');
    this.name = 'StoppingError';
  }
}

/** Resolves at `dueAt`; rejects at once when the worker stops, so the message is handed back unacked. */
function waitUntil(dueAt: number, clock: Clock, stopping: AbortSignal): Promise<void> {
  const remainingMs = dueAt - clock.now().getTime();
  if (remainingMs <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onStop = () => {
      clearTimeout(timer);
      reject(new StoppingError());
    };
    const timer = setTimeout(() => {
      stopping.removeEventListener('abort', onStop);
      resolve();
    }, remainingMs);
    if (stopping.aborted) onStop();
    else stopping.addEventListener('abort', onStop, { once: true });
  });
}
