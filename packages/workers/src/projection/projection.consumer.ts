import { NonRetryableError, ORDER_QUEUES, type Consumer, type EventStore, type Logger, type MessageBus } from '@delivery/events';
import { ProjectionError, applyOrderEvent, applyOrderEventBatch } from '@delivery/projections';
import type { Kysely } from 'kysely';

/**
 * The projection worker's consumer on `orders.projection`: each event applied once, in stream order
 * (duplicates skipped, gaps filled from the event store); an inconsistent stream is parked. The events
 * that wait together are applied in one read and one write (acked after it); what a batch cannot take
 * (a gap, an inconsistent stream) or fails on goes through the one-event path, so a bad event is parked alone.
 * @example const consumer = await startProjectionConsumer({ bus, db, store, logger });
 */
export function startProjectionConsumer<DB>(options: {
  bus: MessageBus;
  /** The read model's database. */
  db: Kysely<DB>;
  /** Where gaps are filled from. */
  store: Pick<EventStore, 'readStream'>;
  logger: Logger;
  /** Unacked events at once, and the largest batch. */
  prefetch?: number;
}): Promise<Consumer> {
  const { db, store } = options;
  return options.bus.consume({
    queue: ORDER_QUEUES.projection,
    prefetch: options.prefetch ?? 64,
    logger: options.logger,
    batch: {
      // Even one event: the batch's read and guarded write are two statements, the one-event path's locking transaction five.
      minSize: 1,
      handler: async (messages, context) => {
        const { leftOver } = await applyOrderEventBatch({ db }, messages);
        context.logger.debug({ events: messages.length, leftOver: leftOver.length }, 'projected a batch');
        return { leftOver };
      },
    },
    handler: async ({ streamId, streamVersion, event }, context) => {
      try {
        const outcome = await applyOrderEvent({ db, store }, { streamId, streamVersion, event });
        context.logger.debug({ streamId, streamVersion, outcome }, 'projected');
      } catch (error) {
        if (error instanceof ProjectionError) throw new NonRetryableError(error.message, { cause: error });
        throw error;
      }
    },
  });
}
