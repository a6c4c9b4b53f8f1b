import type { Channel } from 'amqplib';

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

/**
 * Declares the exchange, the work queues, their parking queues and the bindings. Idempotent: every
 * process that publishes or consumes runs it on each (re)connection before its first message, since a
 * fanout exchange with no bound queue drops a message even when the publish is confirmed.
 * @example await assertTopology(channel);
 */
export async function assertTopology(channel: Pick<Channel, 'assertExchange' | 'assertQueue' | 'bindQueue'>): Promise<void> {
  await channel.assertExchange(ORDERS_EXCHANGE, 'fanout', { durable: true });
  for (const queue of orderQueueNames) {
    // The parking queue first, so dead-lettering always has somewhere to go.
    await channel.assertQueue(parkedQueueName(queue), { durable: true, arguments: PARKED_QUEUE_ARGUMENTS });
    await channel.assertQueue(queue, { durable: true, arguments: workQueueArguments(queue) });
    await channel.bindQueue(queue, ORDERS_EXCHANGE, '');
  }
}
