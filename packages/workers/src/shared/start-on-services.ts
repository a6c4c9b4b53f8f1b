import { createAmqpBus, createMysqlDb, createMysqlEventStore, ensureMysqlDatabase, type Logger } from '@delivery/events';
import type { Kysely } from 'kysely';
import type { WorkersConfig } from './config';
import type { RunningWorker } from './worker-main';
import type { WireWorker } from './worker-resources';

type ProcessContext = { config: WorkersConfig; logger: Logger };

/** A worker that keeps tables: how large its pool is and which migrations it runs before it starts. */
export interface ServiceDatabase<DB> {
  poolSize?: number;
  migrate(db: Kysely<DB>): Promise<unknown>;
}

/**
 * Starts a worker that needs only RabbitMQ in its own process. `stop()` stops the worker, then closes the bus.
 * @example const worker = await startOnRabbitMq('vendor', { config, logger }, wireRestaurantWorker);
 */
export function startOnRabbitMq(
  name: string,
  { config, logger }: ProcessContext,
  wire: WireWorker<never, 'bus' | 'config' | 'logger'>,
): Promise<RunningWorker> {
  const bus = createAmqpBus({ url: config.AMQP_URL, logger, name });
  return wireAndOwn(
    () => wire({ bus, config, logger }),
    () => bus.close(),
  );
}

/**
 * Starts a worker that keeps tables in its own process: MySQL (created when missing, migrated) and RabbitMQ.
 * `stop()` stops the worker, then closes the bus and the pool.
 * @example const worker = await startOnMysqlAndRabbitMq('relay', { config, logger }, wireRelayWorker, { poolSize: 4, migrate: migrateEventStore });
 */
export async function startOnMysqlAndRabbitMq<DB>(
  name: string,
  { config, logger }: ProcessContext,
  wire: WireWorker<DB>,
  database: ServiceDatabase<DB>,
): Promise<RunningWorker> {
  await ensureMysqlDatabase(config.MYSQL_URL);
  const db = createMysqlDb<DB>(config.MYSQL_URL, database.poolSize ? { poolSize: database.poolSize } : {});
  await database.migrate(db);
  const bus = createAmqpBus({ url: config.AMQP_URL, logger, name });
  return wireAndOwn(
    () => wire({ db, bus, store: createMysqlEventStore({ db }), config, logger }),
    async () => {
      await bus.close();
      await db.destroy();
    },
  );
}

/** The worker stops before the connections it runs on close; a worker that fails to start closes them too. */
async function wireAndOwn(wire: () => Promise<RunningWorker>, close: () => Promise<unknown>): Promise<RunningWorker> {
  try {
    const worker = await wire();
    return {
      async stop() {
        await worker.stop();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
