import { signToken, type ApiConfig } from '@delivery/api';
import { systemClock, type EventStore, type InProcessBus, type Logger } from '@delivery/events';
import { createDeliveryClient } from '@delivery/sdk';
import {
  createMailer,
  domainOfAddress,
  mailConfigFrom,
  sdkRestaurantActions,
  startEmailConsumer,
  startOutboxRelay,
  startProjectionConsumer,
  startRestaurantConsumer,
  type EmailLogDatabase,
  type OutboxRelay,
  type WorkersConfig,
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
 * The four workers of the system in this process: the outbox relay onto the in-process bus, and the
 * projection, email (into the mail folder) and vendor consumers on it. Returns the relay so that appends
 * can wake it.
 * @example const relay = await startEmbeddedWorkers({ db, bus, eventStore, apiUrl, config, workersConfig, logger, onStop });
 */
export async function startEmbeddedWorkers(options: EmbeddedWorkersOptions): Promise<OutboxRelay> {
  const { db, bus, eventStore, config, workersConfig, logger, onStop } = options;
  const relay = startOutboxRelay({
    db,
    bus,
    logger: logger.child({ component: 'relay' }),
    batchSize: workersConfig.RELAY_BATCH_SIZE,
    // Only a safety net here: every append wakes the relay.
    pollIntervalMs: 1_000,
  });
  onStop(() => relay.stop());

  const projection = await startProjectionConsumer({ bus, db, store: eventStore, logger: logger.child({ component: 'projection' }) });
  onStop(() => projection.stop());

  const mail = mailConfigFrom(workersConfig);
  const mailer = createMailer({ transport: mail.transport, from: mail.from });
  onStop(async () => mailer.close());
  const email = await startEmailConsumer({
    bus,
    db,
    mailer,
    logger: logger.child({ component: 'email' }),
    prefetch: workersConfig.EMAIL_CONCURRENCY,
    publicUrl: mail.publicUrl,
    messageIdDomain: domainOfAddress(mail.from),
  });
  onStop(() => email.stop());

  const vendorToken = workersConfig.VENDOR_TOKEN ?? (await signToken(config.AUTH_SECRET, { sub: 'vendor-worker', role: 'vendor' }, config.TOKEN_MAX_TTL));
  const client = createDeliveryClient({ url: options.apiUrl, token: vendorToken, retry: { attempts: 1 } });
  const vendor = await startRestaurantConsumer({
    bus,
    actions: sdkRestaurantActions(client),
    clock: systemClock,
    logger: logger.child({ component: 'vendor' }),
    deliveryDelayMs: config.DELIVERY_DELAY_MS,
  });
  onStop(() => vendor.stop());
  return relay;
}
