import type { Channel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import type { AmqpConnection } from './amqp-connection';
import { EVENT_HEADERS } from './event-message';
import { assertTopology, isOrderQueue, parkedQueueName } from './topology';

/** What an operator needs to judge a parked message. */
export interface ParkedMessage {
  messageId: string | null;
  eventType: string | null;
  streamId: string | null;
  streamVersion: number | null;
  correlationId: string | null;
  /** Why it was parked: `rejected` (malformed or not retryable) or `delivery_limit` (kept failing). */
  reason: string | null;
  /** When it was dead-lettered (its newest `x-death` entry), ISO-8601. */
  parkedAt: string | null;
  /** The body as text, cut at 2,000 characters. */
  body: string;
}

function assertWorkQueue(queue: string): void {
  if (!isOrderQueue(queue)) throw new RangeError(`unknown queue "${queue}"`);
}

async function openChannel<C extends Channel>(connection: AmqpConnection, confirm: boolean): Promise<C> {
  const model = await connection.whenConnected();
  const channel = (confirm ? await model.createConfirmChannel() : await model.createChannel()) as C;
  // An error closes the channel and rejects the pending call; the listener only keeps it from crashing the process.
  channel.on('error', () => undefined);
  await assertTopology(model);
  return channel;
}

/**
 * Shows up to `limit` parked messages of `queue` without removing them: they are fetched unacked and
 * put back (a quorum queue delivers returned messages first, so they keep their place).
 * @example const parked = await listParked(connection, 'orders.confirmation', 20);
 */
export async function listParked(connection: AmqpConnection, queue: string, limit = 50): Promise<{ total: number; messages: ParkedMessage[] }> {
  assertWorkQueue(queue);
  const channel = await openChannel<Channel>(connection, false);
  try {
    const { messageCount } = await channel.checkQueue(parkedQueueName(queue));
    const messages: ParkedMessage[] = [];
    for (let index = 0; index < Math.min(limit, messageCount); index++) {
      const message = await channel.get(parkedQueueName(queue), { noAck: false });
      if (!message) break;
      messages.push(describeParked(message));
    }
    channel.nackAll(true);
    return { total: messageCount, messages };
  } finally {
    // Closing also returns anything still unacked, should nackAll not have been reached.
    await channel.close().catch(() => undefined);
  }
}

/**
 * Moves the messages parked for `queue` back to it, each one acked in the parking queue only after the
 * broker confirmed its copy in the work queue (so a crash duplicates, never loses). Only the messages
 * parked when it starts are moved, so one that fails again is not redriven in a loop; with `only`, just
 * the messages of those ids (the others stay parked, in their place).
 * @example const { moved } = await redriveParked(connection, 'orders.confirmation');
 */
export async function redriveParked(connection: AmqpConnection, queue: string, options: { only?: ReadonlySet<string> } = {}): Promise<{ moved: number }> {
  assertWorkQueue(queue);
  const channel = await openChannel<ConfirmChannel>(connection, true);
  const parked = parkedQueueName(queue);
  let moved = 0;
  try {
    const { messageCount } = await channel.checkQueue(parked);
    for (let index = 0; index < messageCount; index++) {
      const message = await channel.get(parked, { noAck: false });
      if (!message) break;
      // Left unacked until the end, so the next get moves on to the next message.
      if (options.only && !options.only.has(String(message.properties.messageId))) continue;
      await publishConfirmed(channel, queue, message);
      channel.ack(message);
      moved++;
    }
    if (options.only) channel.nackAll(true);
    return { moved };
  } finally {
    await channel.close().catch(() => undefined);
  }
}

function publishConfirmed(channel: ConfirmChannel, queue: string, message: GetMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    let unroutable = false;
    const onReturn = () => {
      unroutable = true;
    };
    channel.once('return', onReturn);
    // The default exchange routes by queue name straight into the work queue, past the fanout.
    channel.publish('', queue, message.content, republishOptions(message), (error: unknown) => {
      channel.removeListener('return', onReturn);
      if (error) reject(new Error(`broker refused the redriven message ${String(message.properties.messageId)}`, { cause: error }));
      else if (unroutable) reject(new Error(`queue ${queue} does not exist`));
      else resolve();
    });
  });
}

function republishOptions(message: GetMessage): Options.Publish {
  const { properties } = message;
  const headers: Record<string, unknown> = { ...(properties.headers ?? {}) };
  // A fresh start in the work queue: its delivery count begins again (x-death keeps the history).
  delete headers[EVENT_HEADERS.deliveryCount];
  return {
    mandatory: true,
    persistent: true,
    headers,
    contentType: properties.contentType,
    contentEncoding: properties.contentEncoding,
    messageId: properties.messageId,
    correlationId: properties.correlationId,
    type: properties.type,
    timestamp: properties.timestamp,
    appId: properties.appId,
  };
}

function describeParked(message: GetMessage): ParkedMessage {
  const headers = message.properties.headers ?? {};
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const version = Number(headers[EVENT_HEADERS.streamVersion]);
  const deaths = Array.isArray(headers['x-death']) ? headers['x-death'] : [];
  // RabbitMQ keeps the newest x-death entry first.
  const death = deaths[0] as { time?: { value?: unknown } } | undefined;
  const seconds = Number(death?.time?.value);
  return {
    messageId: text(message.properties.messageId),
    eventType: text(message.properties.type) ?? text(headers[EVENT_HEADERS.eventType]),
    streamId: text(headers[EVENT_HEADERS.streamId]),
    streamVersion: Number.isInteger(version) ? version : null,
    correlationId: text(headers[EVENT_HEADERS.correlationId]),
    reason: text(headers['x-first-death-reason']),
    parkedAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null,
    body: message.content.toString('utf8').slice(0, 2_000),
  };
}
