import {
  NonRetryableError,
  ORDER_QUEUES,
  createAmqpConnection,
  createMysqlDb,
  createMysqlEventStore,
  ensureMysqlDatabase,
  migrateEventStore,
  startConsumer,
  type EventStoreDatabase,
  type Logger,
} from '@delivery/events';
import { ProjectionError, applyOrderEvent, migrateProjections, type OrderViewDatabase } from '@delivery/projections';
import type { WorkersConfig } from '../shared/config';
import type { RunningWorker } from '../shared/worker-main';

/**
 * The projection worker: keeps the order read model in step with `orders.projection`. Each event is applied
 * once, in stream order (duplicates skipped, gaps filled from the event store); an inconsistent stream is
 * parked. Several may run at once: the row lock orders their writes.
 */
export async function startProjectionWorker({ config, logger }: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  await ensureMysqlDatabase(config.MYSQL_URL);
  const db = createMysqlDb<OrderViewDatabase & EventStoreDatabase>(config.MYSQL_URL);
  await migrateEventStore(db);
  await migrateProjections(db);
  const store = createMysqlEventStore({ db });
  const connection = createAmqpConnection({ url: config.AMQP_URL, logger, name: 'projection' });
  try {
    const consumer = await startConsumer({
      connection,
      queue: ORDER_QUEUES.projection,
      prefetch: 32,
      logger,
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
    return {
      async stop() {
        await consumer.stop();
        await connection.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await connection.close();
    await db.destroy();
    throw error;
  }
}
