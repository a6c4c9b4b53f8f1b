import { once } from 'node:events';
import type { ConfirmChannel, Message } from 'amqplib';
import type { Logger } from '../shared/logger';
import type { AmqpConnection } from './amqp-connection';
import { encodeEventMessage, type EncodedEventMessage, type OutgoingEventMessage } from './event-message';
import { assertTopology, ORDERS_EXCHANGE } from './topology';

export interface EventPublisher {
  /**
   * Publishes events to the `orders` exchange and resolves only once the broker has confirmed every one.
   * @throws PublishError when not connected, or when a message is nacked, unroutable or unconfirmed in time
   *   (some may have been delivered: at-least-once, consumers dedupe by event id);
   *   MalformedMessageError before anything is sent when an event is invalid.
   * @example await publisher.publishEvents([{ streamId: 'order-42', streamVersion: 1, event }]);
   */
  publishEvents(messages: readonly OutgoingEventMessage[]): Promise<void>;
  /** Stops using the connection; unconfirmed publishes fail. */
  close(): Promise<void>;
}

export class PublishError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishError';
  }
}

interface PublisherChannel {
  channel: ConfirmChannel;
  /** Message ids the broker returned as unroutable; the confirm that follows a return must not count. */
  returned: Set<string>;
}

/**
 * A confirm-channel publisher over a reconnecting connection. Its setup declares the topology before
 * the first publish on every connection, so a confirmed message always has its queues to land in.
 */
export function createEventPublisher(options: { connection: AmqpConnection; logger: Logger; confirmTimeoutMs?: number }): EventPublisher {
  const { connection, logger } = options;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 30_000;
  let open: PublisherChannel | null = null;
  let closing = false;

  const registration = connection.register(async (model) => {
    const channel = await model.createConfirmChannel();
    const entry: PublisherChannel = { channel, returned: new Set() };
    channel.on('error', (error: Error) => logger.warn({ err: error }, 'publisher channel error'));
    channel.on('return', (message: Message) => {
      entry.returned.add(String(message.properties.messageId));
    });
    channel.on('close', () => {
      if (open === entry) open = null;
      if (!closing) connection.reset(model, new Error('publisher channel closed'));
    });
    await assertTopology(model, logger);
    open = entry;
  });

  /** Sends one message; `written` is false when the channel's buffer is full and the caller should wait for 'drain'. */
  function publishOne(entry: PublisherChannel, message: EncodedEventMessage): { confirmed: Promise<void>; written: boolean } {
    let written = true;
    const confirmed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PublishError(`no confirm for event ${message.eventId} within ${confirmTimeoutMs} ms`)), confirmTimeoutMs);
      try {
        written = entry.channel.publish(
          ORDERS_EXCHANGE,
          '',
          message.content,
          // mandatory: a message no queue takes comes back (basic.return) instead of vanishing confirmed.
          { ...message.options, mandatory: true },
          (error: unknown) => {
            clearTimeout(timer);
            const unroutable = entry.returned.delete(message.eventId);
            if (error) reject(new PublishError(`broker did not accept event ${message.eventId}`, { cause: error }));
            else if (unroutable) reject(new PublishError(`event ${message.eventId} was unroutable`));
            else resolve();
          },
        );
      } catch (error) {
        // A channel that closed a moment ago throws instead of calling back.
        clearTimeout(timer);
        reject(new PublishError(`could not publish event ${message.eventId}`, { cause: error }));
      }
    });
    return { confirmed, written };
  }

  return {
    async publishEvents(messages) {
      const encoded = messages.map(encodeEventMessage);
      if (encoded.length === 0) return;
      const entry = open;
      if (!entry || closing) throw new PublishError('not connected to RabbitMQ');
      const confirms: Promise<void>[] = [];
      for (const message of encoded) {
        if (open !== entry) break;
        const { confirmed, written } = publishOne(entry, message);
        // Settled later by allSettled; this handler keeps an early rejection from counting as unhandled.
        confirmed.catch(() => undefined);
        confirms.push(confirmed);
        // Respect the socket's backpressure, but stop waiting when the channel dies meanwhile.
        if (!written) await waitForDrain(entry.channel);
      }
      const results = await Promise.allSettled(confirms);
      const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      const unsent = encoded.length - confirms.length;
      if (failures.length > 0 || unsent > 0) {
        throw new PublishError(`${failures.length + unsent} of ${encoded.length} events were not confirmed`, {
          cause: failures[0]?.reason,
        });
      }
    },

    async close() {
      closing = true;
      registration.unregister();
      const entry = open;
      open = null;
      if (entry) await entry.channel.close().catch(() => undefined);
    },
  };
}

async function waitForDrain(channel: ConfirmChannel): Promise<void> {
  const controller = new AbortController();
  const { signal } = controller;
  // events.once rejects on 'error'; either way the channel can take no more or has died.
  await Promise.race([once(channel, 'drain', { signal }), once(channel, 'close', { signal })]).catch(() => undefined);
  controller.abort();
}
