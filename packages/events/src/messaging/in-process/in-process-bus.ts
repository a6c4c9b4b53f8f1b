import type { Logger } from '../../shared/logger';
import { bothTold, createConsumerGate, type AutoRedrive } from '../consumer-gate';
import { delay } from '../../shared/backoff';
import { createDeliveryRunner, type DeliveryRunner } from '../delivery-batches';
import { encodeEventMessage, EVENT_HEADERS, parseEventMessage, type DeliveredMessage } from '../event-message';
import type { ConsumeOptions, Consumer, MessageBus, WatchListener } from '../message-bus';
import { PublishError, type EventPublisher } from '../publisher';
import { DELIVERY_LIMIT, isOrderQueue, orderQueueNames } from '../topology';
import type { QueueStorage, StoredMessage } from './queue-storage';

/** The in-process bus; its parked messages stand in for RabbitMQ's parking queues. */
export interface InProcessBus extends MessageBus {
  readonly kind: 'in-process';
  listParked(queue: string): Promise<StoredMessage[]>;
  /** Puts `queue`'s parked messages (all, or those of the ids in `only`) back in it with a fresh delivery count and delivers them; how many. */
  redriveParked(queue: string, only?: ReadonlySet<string>): Promise<number>;
  /** Where the queues are kept. */
  readonly storage: QueueStorage;
}

interface Subscriber {
  options: ConsumeOptions;
  inFlight: Set<Delivery>;
  stopSignal: AbortController;
  run: DeliveryRunner;
}

interface Delivery {
  message: StoredMessage;
  /** Set once the message is back in the queue or gone, so a late outcome changes nothing. */
  settled: boolean;
  done: Promise<void>;
}

interface QueueState {
  ready: StoredMessage[];
  subscribers: Subscriber[];
  /** Round-robin over competing consumers. */
  turn: number;
}

/**
 * A message bus inside this process, for embedded mode: the same queues, acks, retries with backoff,
 * delivery limit and parking as RabbitMQ, behind the same interface. A publish resolves once every
 * queue's copy is in `storage` (a folder in embedded mode), so the relay marks an outbox row published
 * only when its message survives a crash, and an unacked message is delivered again after a restart:
 * delivery stays at-least-once. One process only: competing consumers are consumers of this bus.
 * @example
 * const bus = await createInProcessBus({ storage: folderQueueStorage('.data/bus'), logger });
 * await bus.createPublisher().publishEvents([{ streamId, streamVersion: 1, event }]);
 */
export async function createInProcessBus(options: {
  storage: QueueStorage;
  logger: Logger;
  /** Told of every automatic redrive of this bus's consumers (for metrics). */
  onAutoRedrive?: (redrive: AutoRedrive) => void;
}): Promise<InProcessBus> {
  const { storage } = options;
  const logger = options.logger.child({ bus: 'in-process' });
  const queues = new Map<string, QueueState>();
  let nextSequence = 1;
  for (const queue of orderQueueNames) {
    const ready = await storage.load(queue);
    for (const message of ready) nextSequence = Math.max(nextSequence, message.sequence + 1);
    queues.set(queue, { ready, subscribers: [], turn: 0 });
  }
  const watchers = new Set<WatchListener>();
  let closed = false;

  function stateOf(queue: string): QueueState {
    const state = isOrderQueue(queue) ? queues.get(queue) : undefined;
    if (!state) throw new Error(`no queue ${queue} on the in-process bus`);
    return state;
  }

  function dispatch(queue: string): void {
    const state = stateOf(queue);
    while (state.ready.length > 0) {
      const subscriber = nextWithRoom(state);
      if (!subscriber) return;
      const message = state.ready.shift();
      if (message) deliver(queue, subscriber, message);
    }
  }

  function nextWithRoom(state: QueueState): Subscriber | null {
    const count = state.subscribers.length;
    for (let step = 0; step < count; step++) {
      const subscriber = state.subscribers[(state.turn + step) % count];
      if (subscriber && subscriber.inFlight.size < subscriber.options.prefetch && !subscriber.stopSignal.signal.aborted) {
        state.turn = (state.turn + step + 1) % count;
        return subscriber;
      }
    }
    return null;
  }

  function deliver(queue: string, subscriber: Subscriber, message: StoredMessage): void {
    const delivery: Delivery = { message, settled: false, done: Promise.resolve() };
    subscriber.inFlight.add(delivery);
    delivery.done = subscriber
      .run(asDelivered(message))
      .then(async (outcome) => {
        if (delivery.settled) return;
        delivery.settled = true;
        if (outcome === 'ack') await storage.remove(queue, message);
        else if (outcome === 'park') await storage.park(queue, message, 'rejected');
        else if (message.deliveryCount + 1 > DELIVERY_LIMIT) await storage.park(queue, message, 'delivery_limit');
        else await requeue(queue, { ...message, deliveryCount: message.deliveryCount + 1 });
      })
      .catch((error: unknown) => logger.error({ err: error, queue, messageId: message.properties.messageId }, 'could not settle a message'))
      .finally(() => {
        subscriber.inFlight.delete(delivery);
        if (!closed) dispatch(queue);
      });
  }

  async function requeue(queue: string, message: StoredMessage): Promise<void> {
    await storage.save(queue, message);
    putBack(queue, message);
  }

  function putBack(queue: string, message: StoredMessage): void {
    const { ready } = stateOf(queue);
    // Back in sequence order, so a retried message keeps its place before newer ones.
    const at = ready.findIndex((other) => other.sequence > message.sequence);
    ready.splice(at === -1 ? ready.length : at, 0, message);
  }

  const publisher: EventPublisher = {
    async publishEvents(messages) {
      if (closed) throw new PublishError('the in-process bus is closed');
      // Validated before anything is kept, like the RabbitMQ publisher.
      const encoded = messages.map(encodeEventMessage);
      const stored = encoded.map(
        (message): StoredMessage => ({
          sequence: nextSequence++,
          content: message.content.toString('utf8'),
          properties: { messageId: message.options.messageId, type: message.options.type, headers: message.options.headers },
          deliveryCount: 0,
        }),
      );
      for (const queue of orderQueueNames) {
        for (const message of stored) await storage.save(queue, message);
      }
      for (const queue of orderQueueNames) {
        stateOf(queue).ready.push(...stored);
        dispatch(queue);
      }
      for (const message of stored) notifyWatchers(message);
    },
    async close() {},
  };

  function notifyWatchers(message: StoredMessage): void {
    if (watchers.size === 0) return;
    const received = parseEventMessage(asDelivered(message));
    for (const watcher of watchers) {
      try {
        watcher.onEvent(received);
      } catch (error) {
        logger.warn({ err: error }, 'a watcher failed');
      }
    }
  }

  const bus: InProcessBus = {
    kind: 'in-process',
    createPublisher: () => publisher,
    async consume(consumeOptions): Promise<Consumer> {
      const { queue } = consumeOptions;
      const state = stateOf(queue);
      const subscriberLogger = consumeOptions.logger.child({ queue });
      const subscriberOptions = { ...consumeOptions, logger: subscriberLogger };
      const stopSignal = new AbortController();
      const gate = createConsumerGate({
        queue,
        logger: subscriberLogger,
        redrive: (only) => bus.redriveParked(queue, only),
        onAutoRedrive: bothTold(options.onAutoRedrive, consumeOptions.onAutoRedrive),
        ...(consumeOptions.breaker ? { breaker: consumeOptions.breaker } : {}),
      });
      const subscriber: Subscriber = {
        options: subscriberOptions,
        inFlight: new Set(),
        stopSignal,
        run: createDeliveryRunner(subscriberOptions, stopSignal.signal, gate),
      };
      state.subscribers.push(subscriber);
      dispatch(queue);
      return {
        queue,
        async stop() {
          if (subscriber.stopSignal.signal.aborted) return;
          subscriber.stopSignal.abort();
          state.subscribers = state.subscribers.filter((other) => other !== subscriber);
          const timeout = delay(consumeOptions.stopTimeoutMs ?? 10_000);
          await Promise.race([Promise.allSettled([...subscriber.inFlight].map((delivery) => delivery.done)), timeout.promise]);
          timeout.cancel();
          // Whatever is still running goes back to the queue, as when a RabbitMQ channel closes.
          for (const delivery of subscriber.inFlight) {
            if (delivery.settled) continue;
            delivery.settled = true;
            await requeue(queue, { ...delivery.message, deliveryCount: delivery.message.deliveryCount + 1 });
          }
          if (!closed) dispatch(queue);
        },
      };
    },
    watch(listener) {
      watchers.add(listener);
      return { ready: Promise.resolve(), close: () => watchers.delete(listener) };
    },
    isConnected: () => !closed,
    whenConnected: () => (closed ? Promise.reject(new Error('the in-process bus is closed')) : Promise.resolve()),
    async close() {
      closed = true;
      watchers.clear();
    },
    async listParked(queue) {
      stateOf(queue);
      return storage.listParked(queue);
    },
    async redriveParked(queue, only) {
      stateOf(queue);
      const parked = (await storage.listParked(queue)).filter((message) => !only || only.has(message.properties.messageId));
      const moved = await storage.redrive(queue, only);
      for (const message of parked) putBack(queue, { ...message, deliveryCount: 0, parkedReason: undefined });
      dispatch(queue);
      return moved;
    },
    storage,
  };
  return bus;
}

/** The stored message as a delivery, with RabbitMQ's delivery-count header. */
function asDelivered(message: StoredMessage): DeliveredMessage {
  return {
    content: Buffer.from(message.content, 'utf8'),
    properties: {
      messageId: message.properties.messageId,
      type: message.properties.type,
      headers: { ...message.properties.headers, [EVENT_HEADERS.deliveryCount]: message.deliveryCount },
    },
    fields: { redelivered: message.deliveryCount > 0 },
  };
}
