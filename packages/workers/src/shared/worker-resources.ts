import type { EventStore, Logger, MessageBus } from '@delivery/events';
import type { Kysely } from 'kysely';
import type { WorkersConfig } from './config';
import type { RunningWorker } from './worker-main';

/**
 * What a worker starts from. Services mode opens MySQL and RabbitMQ per process (`start-on-services.ts`);
 * embedded mode hands in PGlite and the in-process bus. The worker closes only what it made itself.
 * `DB` is the database as the worker types it (the email log for the email worker; the relay and the
 * projection take any, and touch only the outbox and the read model on it).
 */
export interface WorkerResources<DB> {
  db: Kysely<DB>;
  bus: MessageBus;
  store: EventStore;
  config: WorkersConfig;
  logger: Logger;
}

/** One worker's wiring, the same in both modes: it names the resources it needs. */
export type WireWorker<DB, Needs extends keyof WorkerResources<DB> = keyof WorkerResources<DB>> = (
  resources: Pick<WorkerResources<DB>, Needs>,
) => Promise<RunningWorker>;
