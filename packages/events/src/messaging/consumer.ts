import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../shared/logger';
import type { AmqpConnection } from './amqp-connection';
import { MalformedMessageError, messageLogFields, parseEventMessage, type ReceivedEventMessage } from './event-message';
import { assertTopology, DELIVERY_LIMIT } from './topology';

export type EventHandler = (message: ReceivedEventMessage, context: { logger: Logger }) => Promise<void>;

/** Thrown by a handler for a message that can never succeed (a bad address, a refused command): it is parked at once. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

export const isRetryableByDefault = (error: unknown): boolean =>
  !(error instanceof NonRetryableError || error instanceof MalformedMessageError);

/** 200 ms, 400 ms, 800 ms, ... capped at 5 s: the wait before a failed message goes back to its queue. */
export const defaultRetryDelayMs = (deliveryCount: number): number => Math.min(5_000, 200 * 2 ** Math.min(deliveryCount, 10));

export interface StartConsumerOptions {
  connection: AmqpConnection;
  queue: string;
  /** Unacked messages in flight, which is also how many handlers run at once. */
  prefetch: number;
  handler: EventHandler;
  logger: Logger;
  /** False parks a failed message at once; true (the default for most errors) retries it until the delivery limit. */
  isRetryable?: (error: unknown) => boolean;
  retryDelayMs?: (deliveryCount: number) => number;
  /** How long `stop()` lets running handlers finish before it closes the channel (their messages are redelivered). */
  stopTimeoutMs?: number;
}

export interface Consumer {
  readonly queue: string;
  /** Stops taking messages, lets running handlers settle (bounded), closes the channel. */
  stop(): Promise<void>;
}

type Outcome = 'ack' | 'park' | 'retry';

interface Attached {
  channel: Channel;
  consumerTag: string;
}

/**
 * Consumes order events from `queue` with manual acks: a message is acked only after its handler
 * succeeded; a malformed or non-retryable one is parked (nack without requeue dead-letters it);
 * a failing one waits a backoff based on its delivery count and goes back to the queue, whose delivery
 * limit parks it at last. Re-attaches after every reconnection. Resolves once consuming.
 * @example
 * const consumer = await startConsumer({ connection, queue: ORDER_QUEUES.confirmation, prefetch: 10, logger,
 *   handler: async ({ event }) => { ... } });
 * await consumer.stop();
 */
export async function startConsumer(options: StartConsumerOptions): Promise<Consumer> {
  const { connection, queue, prefetch, handler } = options;
  const logger = options.logger.child({ queue });
  const isRetryable = options.isRetryable ?? isRetryableByDefault;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const inFlight = new Set<Promise<void>>();
  const stopSignal = new AbortController();
  let attached: Attached | null = null;

  const registration = connection.register(async (model) => {
    if (stopSignal.signal.aborted) return;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => logger.warn({ err: error }, 'consumer channel error'));
    channel.on('close', () => {
      if (attached?.channel === channel) attached = null;
      // A channel that dies while its connection lives would leave this queue without a consumer.
      if (!stopSignal.signal.aborted) connection.reset(model, new Error(`consumer channel of ${queue} closed`));
    });
    await assertTopology(channel);
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(
      queue,
      (message) => {
        if (message === null) {
          // The broker cancelled us (queue deleted): start over, which declares it again.
          connection.reset(model, new Error(`consumer of ${queue} cancelled by the broker`));
          return;
        }
        const handling = handle(channel, message);
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
    attached = { channel, consumerTag };
    logger.info({ prefetch }, 'consuming');
  });

  async function handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const log = logger.child(messageLogFields(message));
    let received: ReceivedEventMessage;
    try {
      received = parseEventMessage(message);
    } catch (error) {
      log.error({ err: error }, 'malformed message; parking it');
      settle(channel, message, 'park', log);
      return;
    }
    try {
      await handler(received, { logger: log });
      settle(channel, message, 'ack', log);
    } catch (error) {
      if (!isRetryable(error)) {
        log.error({ err: error }, 'message cannot be handled; parking it');
        settle(channel, message, 'park', log);
        return;
      }
      const delayMs = retryDelayMs(received.deliveryCount);
      const lastTry = received.deliveryCount >= DELIVERY_LIMIT;
      log[lastTry ? 'error' : 'warn'](
        { err: error, delayMs },
        lastTry ? 'handler failed at the delivery limit; the queue will park the message' : 'handler failed; retrying later',
      );
      await delay(delayMs, stopSignal.signal).promise;
      settle(channel, message, 'retry', log);
    }
  }

  function settle(channel: Channel, message: ConsumeMessage, outcome: Outcome, log: Logger): void {
    try {
      if (outcome === 'ack') channel.ack(message);
      // requeue=false dead-letters to the parking queue; requeue=true counts a delivery towards the limit.
      else channel.nack(message, false, outcome === 'retry');
    } catch (error) {
      // The channel closed under us; the broker has already put the message back for redelivery.
      log.warn({ err: error, outcome }, 'could not settle message: channel closed');
    }
  }

  await registration.ready;

  return {
    queue,
    async stop() {
      if (stopSignal.signal.aborted) return;
      stopSignal.abort();
      registration.unregister();
      const current = attached;
      if (current) await current.channel.cancel(current.consumerTag).catch(() => undefined);
      const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
      const timeout = delay(stopTimeoutMs);
      await Promise.race([Promise.allSettled([...inFlight]), timeout.promise]);
      timeout.cancel();
      if (current) await current.channel.close().catch(() => undefined);
      logger.info({}, 'consumer stopped');
    },
  };
}

/** A wait that ends early when `signal` aborts or `cancel()` is called, and never holds the process open after. */
function delay(ms: number, signal?: AbortSignal): { promise: Promise<void>; cancel(): void } {
  let cancel!: () => void;
  const promise = new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
    if (signal?.aborted) done();
    cancel = done;
  });
  return { promise, cancel };
}
