import type { EventHandler, OutgoingEventMessage, ReceivedEventMessage } from './event-message';
import type { EventPublisher } from './publisher';
import { contextOfTraceparent, inSpan, SpanKind, startSpan, traceparentOf } from '../tracing/tracing';

/** The `traceparent` an appended event carries in its metadata (written by the append, inside its span). */
function storedTraceparent(event: unknown): unknown {
  const metadata = (event as { metadata?: { traceparent?: unknown } } | null)?.metadata;
  return metadata?.traceparent;
}

/**
 * The relay's publisher, traced: each event gets a producer span that continues the trace its append began
 * (the `traceparent` in the stored metadata) and ends at the broker's confirm; the message carries that span's
 * W3C `traceparent` header, so each consumer continues the same trace.
 * @example const publisher = tracedPublisher(bus.createPublisher());
 */
export function tracedPublisher(publisher: EventPublisher): EventPublisher {
  return {
    async publishEvents(messages) {
      const spans = messages.map((message) =>
        startSpan(`${(message.event as { type?: string } | null)?.type ?? 'event'} publish`, {
          kind: SpanKind.PRODUCER,
          parent: contextOfTraceparent(storedTraceparent(message.event)),
          attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'orders', 'messaging.message.conversation_id': message.streamId },
        }),
      );
      const traced = messages.map((message, index): OutgoingEventMessage => {
        const traceparent = traceparentOf(spans[index]);
        return traceparent ? { ...message, traceparent } : message;
      });
      try {
        await publisher.publishEvents(traced);
      } finally {
        for (const span of spans) span.end();
      }
    },
    close: () => publisher.close(),
  };
}

/** The consumer span of one delivery: named after its event, continuing the trace of its `traceparent` header. */
function inConsumerSpan<T>(message: ReceivedEventMessage, work: () => Promise<T>): Promise<T> {
  return inSpan(
    `${message.event.type} process`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextOfTraceparent(message.traceparent),
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.message.id': message.messageId, 'messaging.message.conversation_id': message.streamId },
    },
    work,
  );
}

/**
 * A consumer's handler, traced: one consumer span per delivery, continuing the trace of the message's
 * `traceparent` header; the handler's statements, emails and API calls are its children.
 */
export function tracedHandler(handler: EventHandler): EventHandler {
  return (message: ReceivedEventMessage, context) => inConsumerSpan(message, () => handler(message, context));
}

/**
 * A batch handler's work, traced: a batch of one gets that delivery's own consumer span (its trace goes on as
 * through `tracedHandler`), a larger batch one span of its own.
 */
export function inBatchSpan<T>(received: readonly ReceivedEventMessage[], work: () => Promise<T>): Promise<T> {
  const [only] = received;
  if (only && received.length === 1) return inConsumerSpan(only, work);
  return inSpan(
    'orders batch process',
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.batch.message_count': received.length } },
    work,
  );
}
