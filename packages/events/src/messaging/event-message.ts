import type { Options } from 'amqplib';
import { z } from 'zod';
import type { Logger } from '../shared/logger';
import { orderStreamId, type OrderEvent } from '../order/order.events';
import { upcastOrderEvent } from '../order/order.upcasters';

/** Header names of the message contract (API.md "Events and messages"). */
export const EVENT_HEADERS = {
  streamId: 'x-stream-id',
  streamVersion: 'x-stream-version',
  eventType: 'x-event-type',
  correlationId: 'x-correlation-id',
  /** Set by quorum queues on redelivery: how many times the message was returned before. */
  deliveryCount: 'x-delivery-count',
} as const;

export const EVENT_CONTENT_TYPE = 'application/json';

/** An event on its way out: the stored event JSON and its place in its stream. */
export interface OutgoingEventMessage {
  streamId: string;
  streamVersion: number;
  /** The event exactly as stored, `{ type, data, metadata }`; validated before it is sent. */
  event: unknown;
  /** W3C trace context of the publish (tracing on), sent as the `traceparent` header. */
  traceparent?: string;
}

/** What a publisher hands to `channel.publish`. */
export interface EncodedEventMessage {
  eventId: string;
  content: Buffer;
  options: Options.Publish & { messageId: string; type: string; headers: Record<string, string | number> };
}

/**
 * A message as every transport delivers it: the shape of an AMQP message, which the in-process bus
 * reproduces, so one parser serves both.
 */
export interface DeliveredMessage {
  content: Buffer;
  properties: { messageId?: unknown; type?: unknown; headers?: Record<string, unknown> | undefined };
  fields: { redelivered: boolean };
}

/** An event as a consumer receives it, validated and upcast to the current schema. */
export interface ReceivedEventMessage {
  streamId: string;
  streamVersion: number;
  event: OrderEvent;
  messageId: string;
  correlationId: string;
  /** 0 on the first delivery; counts the earlier failed or interrupted deliveries. */
  deliveryCount: number;
  redelivered: boolean;
  /** The W3C `traceparent` header, when the publisher traced it. */
  traceparent?: string;
}

/** What a consumer runs for each received event; see delivery-handling.ts for what its errors mean. */
export type EventHandler = (message: ReceivedEventMessage, context: { logger: Logger }) => Promise<void>;

/** W3C trace context header: the trace an event's append began continues in each consumer. */
export const TRACEPARENT_HEADER = 'traceparent';

/** A message that can never be handled (bad JSON, unknown event, headers contradicting the body): park it. */
export class MalformedMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedMessageError';
  }
}

// What every stored event has, whatever its schema version; the upcaster checks the rest.
const StoredEventShape = z.object({
  type: z.string().min(1),
  data: z.unknown(),
  metadata: z.looseObject({
    schemaVersion: z.number().int().positive(),
    eventId: z.uuid(),
    correlationId: z.string().min(1),
  }),
});

const Placement = z.object({
  streamId: z.string().min(1),
  streamVersion: z.coerce.number().int().positive(),
});

function validateEvent(raw: unknown): OrderEvent {
  const shape = StoredEventShape.safeParse(raw);
  if (!shape.success) throw new MalformedMessageError(`invalid event: ${z.prettifyError(shape.error)}`);
  try {
    return upcastOrderEvent(shape.data);
  } catch (error) {
    const reason = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
    throw new MalformedMessageError(`invalid ${shape.data.type} event: ${reason}`, { cause: error });
  }
}

function checkStream(streamId: string, event: OrderEvent): void {
  const expected = orderStreamId(event.data.orderId);
  if (streamId !== expected) {
    throw new MalformedMessageError(`stream id "${streamId}" does not match the event's order (${expected})`);
  }
}

/**
 * Validates an outgoing event and turns it into a persistent message: body = the stored event JSON,
 * `messageId` = event id, `type` = event type, headers carrying stream id, version, type and correlation id.
 * @throws MalformedMessageError when the event or its placement is invalid (it would be parked by every consumer).
 * @example const { content, options } = encodeEventMessage({ streamId, streamVersion: 1, event });
 */
export function encodeEventMessage(message: OutgoingEventMessage): EncodedEventMessage {
  const placement = Placement.safeParse(message);
  if (!placement.success) throw new MalformedMessageError(`invalid event placement: ${z.prettifyError(placement.error)}`);
  const event = validateEvent(message.event);
  checkStream(placement.data.streamId, event);
  const { eventId, correlationId, occurredAt } = event.metadata;
  return {
    eventId,
    // The stored JSON, not the upcast one: consumers upcast with their own (possibly newer) code.
    content: Buffer.from(JSON.stringify(message.event)),
    options: {
      persistent: true,
      contentType: EVENT_CONTENT_TYPE,
      messageId: eventId,
      type: event.type,
      correlationId,
      timestamp: Math.floor(Date.parse(occurredAt) / 1000),
      headers: {
        [EVENT_HEADERS.streamId]: placement.data.streamId,
        [EVENT_HEADERS.streamVersion]: placement.data.streamVersion,
        [EVENT_HEADERS.eventType]: event.type,
        [EVENT_HEADERS.correlationId]: correlationId,
        ...(message.traceparent ? { [TRACEPARENT_HEADER]: message.traceparent } : {}),
      },
    },
  };
}

const ReceivedHeaders = z.object({
  [EVENT_HEADERS.streamId]: z.string().min(1),
  [EVENT_HEADERS.streamVersion]: z.coerce.number().int().positive(),
  [EVENT_HEADERS.eventType]: z.string().min(1),
  [EVENT_HEADERS.deliveryCount]: z.coerce.number().int().nonnegative().optional(),
});

/**
 * Validates a delivered message against the contract and upcasts its event.
 * @throws MalformedMessageError when the message can never be handled.
 * @example const { event, streamVersion } = parseEventMessage(message);
 */
export function parseEventMessage(message: DeliveredMessage): ReceivedEventMessage {
  const headers = ReceivedHeaders.safeParse(message.properties.headers ?? {});
  if (!headers.success) throw new MalformedMessageError(`invalid headers: ${z.prettifyError(headers.error)}`);
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch (error) {
    throw new MalformedMessageError('body is not JSON', { cause: error });
  }
  const event = validateEvent(body);
  const streamId = headers.data[EVENT_HEADERS.streamId];
  checkStream(streamId, event);
  if (headers.data[EVENT_HEADERS.eventType] !== event.type) {
    throw new MalformedMessageError(`header event type ${headers.data[EVENT_HEADERS.eventType]} contradicts body type ${event.type}`);
  }
  const messageId: unknown = message.properties.messageId;
  if (messageId !== event.metadata.eventId) {
    throw new MalformedMessageError(`messageId ${String(messageId)} is not the event id ${event.metadata.eventId}`);
  }
  return {
    streamId,
    streamVersion: headers.data[EVENT_HEADERS.streamVersion],
    event,
    messageId,
    correlationId: event.metadata.correlationId,
    deliveryCount: headers.data[EVENT_HEADERS.deliveryCount] ?? 0,
    redelivered: message.fields.redelivered,
    ...(typeof message.properties.headers?.[TRACEPARENT_HEADER] === 'string' ? { traceparent: message.properties.headers[TRACEPARENT_HEADER] } : {}),
  };
}

/** The ids worth logging about any delivered message, even one that does not parse. */
export function messageLogFields(message: DeliveredMessage): Record<string, unknown> {
  const headers = message.properties.headers ?? {};
  return {
    messageId: message.properties.messageId,
    eventId: message.properties.messageId,
    eventType: message.properties.type,
    correlationId: headers[EVENT_HEADERS.correlationId],
    streamId: headers[EVENT_HEADERS.streamId],
    streamVersion: headers[EVENT_HEADERS.streamVersion],
    deliveryCount: headers[EVENT_HEADERS.deliveryCount] ?? 0,
  };
}
