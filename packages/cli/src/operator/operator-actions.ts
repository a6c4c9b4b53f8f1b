import {
  describeStoredParked,
  getOutboxStatus,
  listParked,
  redriveParked,
  type AmqpConnection,
  type EventStore,
  type OrderQueue,
  type OutboxStatus,
  type ParkedMessage,
  type QueueStorage,
} from '@delivery/events';
import { replayOrderView, type ReplayOrderViewResult, type ReplayProgress } from '@delivery/projections';
import type { Kysely } from 'kysely';

export interface ParkedList {
  total: number;
  messages: ParkedMessage[];
}

/** What the operators' CLI does to a running system, the same in every mode (see `withOperator`). */
export interface OperatorActions {
  replayOrders(options: { restart: boolean; onProgress(progress: ReplayProgress): void }): Promise<ReplayOrderViewResult>;
  outboxStatus(): Promise<OutboxStatus>;
  listParked(queue: OrderQueue): Promise<ParkedList>;
  /** Moves a queue's parked messages back into it; how many moved. */
  redriveParked(queue: OrderQueue): Promise<number>;
}

/** Where parked messages are: RabbitMQ's parking queues, or the in-process bus's. */
export type ParkedQueues = Pick<OperatorActions, 'listParked' | 'redriveParked'>;

/**
 * The actions over an orders database (event store, outbox, read model) and the parked messages.
 * @example const actions = ordersOperator({ db, store, countEventsAfter: (p) => countEventsAfter(db, p), parked: amqpParked(connection) });
 */
export function ordersOperator<DB>(options: {
  db: Kysely<DB>;
  store: Pick<EventStore, 'readAll' | 'readStream'>;
  countEventsAfter(position: bigint): Promise<number>;
  parked: ParkedQueues;
}): OperatorActions {
  const { db, store, countEventsAfter, parked } = options;
  return {
    replayOrders: ({ restart, onProgress }) => replayOrderView({ db, store, countEventsAfter, restart, onProgress }),
    outboxStatus: () => getOutboxStatus(db, new Date()),
    listParked: (queue) => parked.listParked(queue),
    redriveParked: (queue) => parked.redriveParked(queue),
  };
}

/** @example const parked = amqpParked(connection); */
export function amqpParked(connection: AmqpConnection): ParkedQueues {
  return {
    listParked: (queue) => listParked(connection, queue),
    redriveParked: async (queue) => (await redriveParked(connection, queue)).moved,
  };
}

/** The in-process bus's parked messages, from its folder (the server stopped) or its live storage. */
export function storedParked(storage: QueueStorage, redrive: (queue: OrderQueue) => Promise<number> = (queue) => storage.redrive(queue)): ParkedQueues {
  return {
    listParked: (queue) => describeStoredParked(storage, queue),
    redriveParked: redrive,
  };
}
