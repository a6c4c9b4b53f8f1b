import type { Message } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { encodeEventMessage, MalformedMessageError, parseEventMessage, type EncodedEventMessage } from './event-message';
import { sampleEventMessage, sampleOrderPlaced } from './testing/order-events';

/** What the broker would deliver for an encoded message. */
function delivered(encoded: EncodedEventMessage, patch: { content?: Buffer; headers?: Record<string, unknown>; messageId?: string } = {}): Message {
  return {
    content: patch.content ?? encoded.content,
    fields: { deliveryTag: 1, redelivered: false, exchange: 'orders', routingKey: '' },
    properties: {
      contentType: encoded.options.contentType,
      contentEncoding: undefined,
      headers: { ...encoded.options.headers, ...patch.headers },
      deliveryMode: 2,
      priority: undefined,
      correlationId: encoded.options.correlationId,
      replyTo: undefined,
      expiration: undefined,
      messageId: patch.messageId ?? encoded.options.messageId,
      timestamp: encoded.options.timestamp,
      type: encoded.options.type,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
    },
  };
}

describe('event message', () => {
  const event = sampleOrderPlaced();
  const encoded = encodeEventMessage(sampleEventMessage(event, 1));

  describe('when encoded', () => {
    it('is persistent JSON carrying the event id, type and placement', () => {
      expect(encoded.options).toMatchObject({
        persistent: true,
        contentType: 'application/json',
        messageId: event.metadata.eventId,
        type: 'OrderPlaced',
        headers: {
          'x-stream-id': `order-${event.data.orderId}`,
          'x-stream-version': 1,
          'x-event-type': 'OrderPlaced',
          'x-correlation-id': event.metadata.correlationId,
        },
      });
      expect(JSON.parse(encoded.content.toString())).toEqual(event);
    });

    it('refuses an event that breaks its schema', () => {
      const broken = { ...event, data: { ...event.data, total: 'twelve' } };
      expect(() => encodeEventMessage({ streamId: `order-${event.data.orderId}`, streamVersion: 1, event: broken })).toThrow(MalformedMessageError);
    });

    it('refuses a stream id that is not the order of the event', () => {
      expect(() => encodeEventMessage({ streamId: 'order-someone-else', streamVersion: 1, event })).toThrow(/does not match/);
    });

    it('refuses a stream version below one', () => {
      expect(() => encodeEventMessage({ ...sampleEventMessage(event), streamVersion: 0 })).toThrow(MalformedMessageError);
    });
  });

  describe('when parsed', () => {
    it('returns the event with its placement and a delivery count of zero', () => {
      const received = parseEventMessage(delivered(encoded));
      expect(received).toMatchObject({
        streamId: `order-${event.data.orderId}`,
        streamVersion: 1,
        messageId: event.metadata.eventId,
        correlationId: event.metadata.correlationId,
        deliveryCount: 0,
      });
      expect(received.event).toEqual(event);
    });

    it('reads the quorum queue delivery count', () => {
      expect(parseEventMessage(delivered(encoded, { headers: { 'x-delivery-count': 3 } })).deliveryCount).toBe(3);
    });

    it.each([
      ['a body that is not JSON', { content: Buffer.from('{nope') }],
      ['a missing stream version', { headers: { 'x-stream-version': undefined } }],
      ['a header type contradicting the body', { headers: { 'x-event-type': 'OrderDelivered' } }],
      ['a message id that is not the event id', { messageId: 'something-else' }],
      ['an unknown event type', { content: Buffer.from(JSON.stringify({ ...event, type: 'OrderTeleported' })) }],
    ])('calls %s malformed', (_name, patch) => {
      expect(() => parseEventMessage(delivered(encoded, patch))).toThrow(MalformedMessageError);
    });
  });
});
