import { migrateEventStore, type Logger } from '@delivery/events';
import { migrateProjections } from '@delivery/projections';
import type { WorkersConfig } from '../shared/config';
import { startOnMysqlAndRabbitMq } from '../shared/start-on-services';
import type { RunningWorker } from '../shared/worker-main';
import type { WorkerResources } from '../shared/worker-resources';
import { startProjectionConsumer } from './projection.consumer';

/**
 * The projection: keeps the order read model in step with `orders.projection`, filling gaps from the store.
 * Several may run at once: each row is written only where it is newer than the stored one.
 * @example const worker = await wireProjectionWorker({ db, bus, store, logger });
 */
export function wireProjectionWorker<DB>({ db, bus, store, logger }: Pick<WorkerResources<DB>, 'db' | 'bus' | 'store' | 'logger'>): Promise<RunningWorker> {
  return startProjectionConsumer({ bus, db, store, logger });
}

/** The projection worker's process: MySQL (event store and read model migrated) and RabbitMQ. */
export function startProjectionWorker(context: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  return startOnMysqlAndRabbitMq('projection', context, wireProjectionWorker, {
    migrate: async (db) => {
      await migrateEventStore(db);
      await migrateProjections(db);
    },
  });
}
