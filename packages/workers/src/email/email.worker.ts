import type { Logger } from '@delivery/events';
import { migrateWorkers } from '../migrations/migrate-workers';
import { mailConfigFrom, type WorkersConfig } from '../shared/config';
import { startOnMysqlAndRabbitMq } from '../shared/start-on-services';
import type { RunningWorker } from '../shared/worker-main';
import type { WorkerResources } from '../shared/worker-resources';
import { domainOfAddress, startEmailConsumer } from './email.consumer';
import type { EmailLogDatabase } from './email-log.table';
import { createMailer } from './mailer';

/**
 * The email: confirmation emails for placed orders, from `orders.confirmation`, through the mail transport
 * of the configuration (SMTP, Gmail, or a folder in embedded mode). Several may run at once as competing consumers.
 * @example const worker = await wireEmailWorker({ db, bus, config, logger });
 */
export async function wireEmailWorker({
  db,
  bus,
  config,
  logger,
}: Pick<WorkerResources<EmailLogDatabase>, 'db' | 'bus' | 'config' | 'logger'>): Promise<RunningWorker> {
  const mail = mailConfigFrom(config);
  // One connection per email sent at once: with fewer, sends queue inside nodemailer.
  const mailer = createMailer({ transport: mail.transport, from: mail.from, connections: config.EMAIL_CONCURRENCY });
  try {
    const consumer = await startEmailConsumer({
      bus,
      logger,
      // Twice the batch: the next batch's deliveries are here when one ends, instead of a broker round trip after its acks.
      prefetch: 2 * config.EMAIL_CONCURRENCY,
      batchSize: config.EMAIL_CONCURRENCY,
      db,
      mailer,
      publicUrl: mail.publicUrl,
      messageIdDomain: domainOfAddress(mail.from),
    });
    return {
      async stop() {
        await consumer.stop();
        mailer.close();
      },
    };
  } catch (error) {
    mailer.close();
    throw error;
  }
}

/**
 * The email worker's process: MySQL (the email log migrated) and RabbitMQ.
 * @example const worker = await startEmailWorker({ config: loadWorkersConfig(process.env), logger });
 */
export function startEmailWorker(context: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  // The mail configuration is checked before anything is opened: a missing transport ends the process at once.
  mailConfigFrom(context.config);
  return startOnMysqlAndRabbitMq('email', context, wireEmailWorker, {
    poolSize: Math.max(2, context.config.EMAIL_CONCURRENCY),
    migrate: migrateWorkers,
  });
}
