import {
  countEventsAfter,
  describeStoredParked,
  getOutboxStatus,
  listParked,
  listSetAsideOutboxRows,
  redriveParked,
  retrySetAsideOutboxRows,
  type AmqpConnection,
  type EventStore,
  type OrderQueue,
  type OutboxStatus,
  type ParkedMessage,
  type QueueStorage,
  type SetAsideOutboxRow,
} from '@delivery/events';
import { replayOrderView, type ReplayOrderViewResult, type ReplayProgress } from '@delivery/projections';
import type { Kysely } from 'kysely';

export interface ParkedList {
  total: number;
  messages: ParkedMessage[];
}

/** What the operators' CLI does to a running system, the same in every mode (see `withOperator`). */
export interface OperatorActions {
  replayOrders(options: { restart: boolean; skipUnreadable: boolean; onProgress(progress: ReplayProgress): void }): Promise<ReplayOrderViewResult>;
  outboxStatus(): Promise<OutboxStatus>;
  /** The rows the relay set aside as unpublishable, oldest first, at most `limit`. */
  listSetAsideOutbox(limit: number): Promise<SetAsideOutboxRow[]>;
  /** Gives set-aside rows back to the relay; how many. */
  retryOutbox(ids: readonly string[] | 'all'): Promise<number>;
  listParked(queue: OrderQueue): Promise<ParkedList>;
  /** Moves a queue's parked messages back into it; how many moved. */
  redriveParked(queue: OrderQueue): Promise<number>;
}

/** Where parked messages are: RabbitMQ's parking queues, or the in-process bus's. */
export type ParkedQueues = Pick<OperatorActions, 'listParked' | 'redriveParked'>;

/**
 * The actions over an orders database (event store, outbox, read model) and the parked messages.
 * @example const actions = ordersOperator({ db, store, parked: amqpParked(connection) });
 */
export function ordersOperator<DB>(options: { db: Kysely<DB>; store: Pick<EventStore, 'streamAll' | 'readStream'>; parked: ParkedQueues }): OperatorActions {
  const { db, store, parked } = options;
  return {
    replayOrders: ({ restart, skipUnreadable, onProgress }) =>
      replayOrderView({ db, store, countEventsAfter: (position) => countEventsAfter(db, position), restart, skipUnreadable, onProgress }),
    outboxStatus: () => getOutboxStatus(db, new Date()),
    listSetAsideOutbox: (limit) => listSetAsideOutboxRows(db, limit),
    retryOutbox: (ids) => retrySetAsideOutboxRows(db, ids),
    listParked: (queue) => parked.listParked(queue),
    redriveParked: (queue) => parked.redriveParked(queue),
  };
}

/** RabbitMQ's parking queues, over the connection `connect` gives (opened when first needed). @example const parked = amqpParked(() => connection); */
export function amqpParked(connect: () => AmqpConnection): ParkedQueues {
  return {
    listParked: (queue) => listParked(connect(), queue),
    redriveParked: async (queue) => (await redriveParked(connect(), queue)).moved,
  };
}

/** The in-process bus's parked messages, from its folder (the server stopped) or its live storage. */
export function storedParked(storage: QueueStorage, redrive: (queue: OrderQueue) => Promise<number> = (queue) => storage.redrive(queue)): ParkedQueues {
  return {
    listParked: (queue) => describeStoredParked(storage, queue),
    redriveParked: redrive,
  };
}
