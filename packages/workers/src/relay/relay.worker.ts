import { createAmqpBus, createMysqlDb, ensureMysqlDatabase, migrateEventStore, type Logger } from '@delivery/events';
import type { WorkersConfig } from '../shared/config';
import type { RunningWorker } from '../shared/worker-main';
import { startOutboxRelay } from './outbox-relay';

/**
 * The relay worker: publishes the outbox to RabbitMQ. Several may run at once (SKIP LOCKED shares the rows).
 * @example const worker = await startRelayWorker({ config: loadWorkersConfig(process.env), logger });
 */
export async function startRelayWorker({ config, logger }: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  await ensureMysqlDatabase(config.MYSQL_URL);
  const db = createMysqlDb(config.MYSQL_URL, { poolSize: 4 });
  // The outbox belongs to the event store; migrating here lets the relay start before the API.
  await migrateEventStore(db);
  const bus = createAmqpBus({ url: config.AMQP_URL, logger, name: 'relay' });
  const relay = startOutboxRelay({
    db,
    bus,
    logger,
    batchSize: config.RELAY_BATCH_SIZE,
    pollIntervalMs: config.RELAY_POLL_INTERVAL_MS,
  });
  return {
    async stop() {
      await relay.stop();
      await bus.close();
      await db.destroy();
    },
  };
}
