import { signToken, type ApiConfig } from '@delivery/api';
import type { EventStore, InProcessBus, Logger } from '@delivery/events';
import {
  wireEmailWorker,
  wireProjectionWorker,
  wireRelayWorker,
  wireRestaurantWorker,
  type OutboxRelay,
  type WorkersConfig,
  type EmailLogDatabase,
} from '@delivery/workers';
import type { Kysely } from 'kysely';

export interface EmbeddedWorkersOptions {
  /** The one database: outbox, read model and email log among its tables. */
  db: Kysely<EmailLogDatabase>;
  bus: InProcessBus;
  eventStore: EventStore;
  /** Where the vendor reaches the API, as a restaurant's app would. */
  apiUrl: string;
  config: ApiConfig;
  workersConfig: WorkersConfig;
  logger: Logger;
  /** Each stop step is registered here as it starts; the caller runs them in reverse. */
  onStop(step: () => Promise<unknown>): void;
}

/**
 * The four workers of the system in this process, wired as their own processes wire them, on the resources
 * of this one: the outbox relay onto the in-process bus, and the projection, email (into the mail folder) and
 * vendor consumers on it. Returns the relay so that appends can wake it.
 * @example const relay = await startEmbeddedWorkers({ db, bus, eventStore, apiUrl, config, workersConfig, logger, onStop });
 */
export async function startEmbeddedWorkers(options: EmbeddedWorkersOptions): Promise<OutboxRelay> {
  const { db, bus, eventStore, config, logger, onStop } = options;
  const workersConfig: WorkersConfig = {
    ...options.workersConfig,
    // Only a safety net here: every append wakes the relay.
    RELAY_POLL_INTERVAL_MS: 1_000,
    API_URL: options.apiUrl,
    VENDOR_TOKEN: options.workersConfig.VENDOR_TOKEN ?? (await signToken(config.AUTH_SECRET, { sub: 'vendor-worker', role: 'vendor' }, config.TOKEN_MAX_TTL)),
  };
  const resources = (component: string) => ({ db, bus, store: eventStore, config: workersConfig, logger: logger.child({ component }) });

  const relay = await wireRelayWorker(resources('relay'));
  onStop(() => relay.stop());
  for (const [component, wire] of [
    ['projection', wireProjectionWorker],
    ['email', wireEmailWorker],
    ['vendor', wireRestaurantWorker],
  ] as const) {
    const worker = await wire(resources(component));
    onStop(() => worker.stop());
  }
  return relay;
}
