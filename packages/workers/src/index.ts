export { loadWorkersConfig, mailConfigFrom, ConfigError, WorkersConfig, type MailConfig, type MailTransportConfig } from './shared/config';
export { runWorkerMain, type RunningWorker, type StartWorker } from './shared/worker-main';
export { migrateWorkers } from './migrations/migrate-workers';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay/outbox-relay';
export { startRelayWorker } from './relay/relay.worker';
export {
  confirmationMessageId,
  createOrderConfirmationHandler,
  domainOfAddress,
  startEmailConsumer,
  validateRecipient,
  type OrderConfirmationDeps,
} from './email/email.consumer';
export { startEmailWorker } from './email/email.worker';
export { createMailer, type Mailer, type OutgoingEmail } from './email/mailer';
export { saveEmlFile } from './email/mail-folder';
export { startProjectionConsumer } from './projection/projection.consumer';
export { startRestaurantConsumer, type RestaurantActions } from './restaurant/restaurant.consumer';
export { sdkRestaurantActions } from './restaurant/sdk-restaurant-actions';
export { findEmailLog, listEmailLogForOrder, recordEmailSent } from './email/email-log.repository';
export type { EmailLogDatabase, EmailLogRow, EmailLogTable } from './email/email-log.table';
export { OrderConfirmationEmail, orderUrlFor, renderOrderConfirmationEmail, type RenderedEmail } from './email/order-confirmation.email';
// Written by the lead; exported here so `pnpm delivery start ...` can run every worker in one process.
export { startRestaurantWorker } from './restaurant/restaurant.worker';
export { startProjectionWorker } from './projection/projection.worker';
