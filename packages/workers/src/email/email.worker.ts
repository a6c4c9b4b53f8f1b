import { createAmqpBus, createMysqlDb, ensureMysqlDatabase, type Logger } from '@delivery/events';
import { migrateWorkers } from '../migrations/migrate-workers';
import { mailConfigFrom, type WorkersConfig } from '../shared/config';
import type { RunningWorker } from '../shared/worker-main';
import { domainOfAddress, startEmailConsumer } from './email.consumer';
import type { EmailLogDatabase } from './email-log.table';
import { createMailer } from './mailer';

/**
 * The email worker: confirmation emails for placed orders, from `orders.confirmation`.
 * Several may run at once; they share the queue as competing consumers.
 * @example const worker = await startEmailWorker({ config: loadWorkersConfig(process.env), logger });
 */
export async function startEmailWorker({ config, logger }: { config: WorkersConfig; logger: Logger }): Promise<RunningWorker> {
  const mail = mailConfigFrom(config);
  await ensureMysqlDatabase(config.MYSQL_URL);
  const db = createMysqlDb<EmailLogDatabase>(config.MYSQL_URL, { poolSize: Math.max(2, config.EMAIL_CONCURRENCY) });
  await migrateWorkers(db);
  const bus = createAmqpBus({ url: config.AMQP_URL, logger, name: 'email' });
  const mailer = createMailer({ transport: mail.transport, from: mail.from });
  try {
    const consumer = await startEmailConsumer({
      bus,
      logger,
      prefetch: config.EMAIL_CONCURRENCY,
      db,
      mailer,
      publicUrl: mail.publicUrl,
      messageIdDomain: domainOfAddress(mail.from),
    });
    return {
      async stop() {
        await consumer.stop();
        await bus.close();
        mailer.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await bus.close();
    mailer.close();
    await db.destroy();
    throw error;
  }
}
