import { migrateEventStore } from '@delivery/events';
import type { Logger } from '@delivery/events';
import type { WorkersConfig } from '../shared/config';
import { startOnMysqlAndRabbitMq } from '../shared/start-on-services';
import type { RunningWorker } from '../shared/worker-main';
import type { WorkerResources } from '../shared/worker-resources';
import { startOutboxRelay, type OutboxRelay } from './outbox-relay';

/**
 * The relay: publishes the outbox to the bus. Several may run at once (SKIP LOCKED shares the rows).
 * Returns the relay itself, so that embedded mode can wake it on every append.
 * @example const relay = await wireRelayWorker({ db, bus, config, logger });
 */
export async function wireRelayWorker<DB>({ db, bus, config, logger }: Pick<WorkerResources<DB>, 'db' | 'bus' | 'config' | 'logger'>): Promise<OutboxRelay> {
  return startOutboxRelay({ db, bus, logger, batchSize: config.RELAY_BATCH_SIZE, pollIntervalMs: config.RELAY_POLL_INTERVAL_MS });
}

/**
 * The relay worker's process: MySQL and RabbitMQ. The outbox belongs to the event store; migrating it here
 * lets the relay start before the API.
 * @example const worker = await startRelayWorker({ config: loadWorkersConfig(process.env), logger });
 */
export function startRelayWorker(context: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  return startOnMysqlAndRabbitMq('relay', context, wireRelayWorker, { poolSize: 4, migrate: migrateEventStore });
}
