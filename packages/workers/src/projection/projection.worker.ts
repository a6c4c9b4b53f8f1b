import {
  createAmqpBus,
  createMysqlDb,
  createMysqlEventStore,
  ensureMysqlDatabase,
  migrateEventStore,
  type EventStoreDatabase,
  type Logger,
} from '@delivery/events';
import { migrateProjections, type OrderViewDatabase } from '@delivery/projections';
import type { WorkersConfig } from '../shared/config';
import type { RunningWorker } from '../shared/worker-main';
import { startProjectionConsumer } from './projection.consumer';

/**
 * The projection worker: keeps the order read model in step with `orders.projection`.
 * Several may run at once: the row lock orders their writes.
 */
export async function startProjectionWorker({ config, logger }: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  await ensureMysqlDatabase(config.MYSQL_URL);
  const db = createMysqlDb<OrderViewDatabase & EventStoreDatabase>(config.MYSQL_URL);
  await migrateEventStore(db);
  await migrateProjections(db);
  const bus = createAmqpBus({ url: config.AMQP_URL, logger, name: 'projection' });
  try {
    const consumer = await startProjectionConsumer({ bus, db, store: createMysqlEventStore({ db }), logger });
    return {
      async stop() {
        await consumer.stop();
        await bus.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await bus.close();
    await db.destroy();
    throw error;
  }
}
