import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from '../shared/logger';

/** The durable fanout exchange every order event is published to. */
export const ORDERS_EXCHANGE = 'orders';

/** One queue per kind of consumer; every queue gets a copy of every event (fanout). */
export const ORDER_QUEUES = {
  confirmation: 'orders.confirmation',
  process: 'orders.process',
  projection: 'orders.projection',
} as const;
export type OrderQueue = (typeof ORDER_QUEUES)[keyof typeof ORDER_QUEUES];

export const orderQueueNames: readonly OrderQueue[] = Object.values(ORDER_QUEUES);

/**
 * Deliveries a message may have before the quorum queue dead-letters it to its parking queue.
 * RabbitMQ 3.10 sets no default, so without it a poison message would loop forever.
 */
export const DELIVERY_LIMIT = 5;

/** The queue a message of `queue` lands in once it is malformed or out of deliveries. */
export const parkedQueueName = (queue: string): string => `${queue}.parked`;

export function isOrderQueue(queue: string): queue is OrderQueue {
  return (orderQueueNames as readonly string[]).includes(queue);
}

/**
 * The arguments of a work queue. They must be identical in every process: RabbitMQ refuses
 * (PRECONDITION_FAILED) a redeclaration with other arguments.
 */
export function workQueueArguments(queue: string): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': DELIVERY_LIMIT,
    // The default exchange routes by queue name, so no extra exchange is needed for parking.
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': parkedQueueName(queue),
    // At-least-once dead-lettering keeps a message in the source queue until the parking queue has
    // confirmed it; RabbitMQ requires reject-publish overflow for it.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/**
 * The arguments of a parking queue. Quorum, like the work queues: a classic queue lives on one node, and
 * while that node is down every declaration of it fails, which would keep every process of a cluster from
 * setting up on the nodes that are still running. No delivery limit: nothing consumes it but operators.
 */
export const PARKED_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = { 'x-queue-type': 'quorum' };

/** What declaring needs of a connection: channels of its own, so a refused declaration closes none of the caller's. */
export type TopologyConnection = Pick<ChannelModel, 'createChannel'>;

/**
 * Declares the exchange, the work queues, their parking queues and the bindings, on a channel of its own.
 * Idempotent: every process that publishes or consumes runs it on each (re)connection before its first
 * message, since a fanout exchange with no bound queue drops a message even when the publish is confirmed.
 * A parking queue left classic by an older release is upgraded to quorum when empty, and otherwise kept
 * (with a warning) until an operator has redriven it: nothing parked is lost either way.
 * @example await assertTopology(model, logger);
 */
export async function assertTopology(model: TopologyConnection, logger?: Logger): Promise<void> {
  const session = new DeclaringSession(model);
  try {
    await session.declare((channel) => channel.assertExchange(ORDERS_EXCHANGE, 'fanout', { durable: true }));
    for (const queue of orderQueueNames) {
      // The parking queue first, so dead-lettering always has somewhere to go.
      await assertParkingQueue(session, parkedQueueName(queue), logger);
      await session.declare((channel) => channel.assertQueue(queue, { durable: true, arguments: workQueueArguments(queue) }));
      await session.declare((channel) => channel.bindQueue(queue, ORDERS_EXCHANGE, ''));
    }
  } finally {
    await session.close();
  }
}

async function assertParkingQueue(session: DeclaringSession, name: string, logger: Logger | undefined): Promise<void> {
  if (await session.declaredOrRefused((channel) => channel.assertQueue(name, { durable: true, arguments: PARKED_QUEUE_ARGUMENTS }))) return;
  // Classic, from before parking queues were quorum. `ifEmpty` makes the delete refuse if a message is there,
  // and a message dead-lettered meanwhile waits in its work queue (at-least-once dead-lettering) until it exists again.
  const upgraded = await session.declaredOrRefused(async (channel) => {
    await channel.deleteQueue(name, { ifEmpty: true });
    await channel.assertQueue(name, { durable: true, arguments: PARKED_QUEUE_ARGUMENTS });
  });
  if (upgraded) logger?.info({ queue: name }, 'upgraded an empty classic parking queue to a quorum queue');
  else
    logger?.warn(
      { queue: name },
      'parking queue is a classic queue holding messages: redrive them (pnpm delivery parked redrive) so it can become a quorum queue',
    );
}

/**
 * One channel for a whole declaration; a refusal (PRECONDITION_FAILED) closes it, so only then is another
 * opened. The usual declaration costs one channel, whatever the parking queues are.
 */
class DeclaringSession {
  private channel: Promise<Channel>;

  constructor(private readonly model: TopologyConnection) {
    this.channel = openQuietChannel(model);
  }

  async declare(step: (channel: Channel) => Promise<unknown>): Promise<void> {
    await step(await this.channel);
  }

  /** True when `step` succeeds, false when the broker refuses it (the next step gets a fresh channel). */
  async declaredOrRefused(step: (channel: Channel) => Promise<unknown>): Promise<boolean> {
    try {
      await this.declare(step);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== PRECONDITION_FAILED) throw error;
      this.channel = openQuietChannel(this.model);
      return false;
    }
  }

  async close(): Promise<void> {
    await this.channel.then((channel) => channel.close()).catch(() => undefined);
  }
}

const PRECONDITION_FAILED = 406;

async function openQuietChannel(model: TopologyConnection): Promise<Channel> {
  const channel = await model.createChannel();
  // An error closes the channel and rejects the pending call; the listener only keeps it from crashing the process.
  channel.on('error', () => undefined);
  return channel;
}
