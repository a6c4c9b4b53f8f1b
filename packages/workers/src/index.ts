export { loadWorkersConfig, mailConfigFrom, ConfigError, WorkersConfig, type MailConfig, type MailTransportConfig } from './shared/config';
export { runWorkerMain, type RunningWorker, type StartWorker } from './shared/worker-main';
export { migrateWorkers } from './migrations/migrate-workers';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay/outbox-relay';
export { startRelayWorker, wireRelayWorker } from './relay/relay.worker';
export {
  confirmationMessageId,
  createOrderConfirmationHandlers,
  domainOfAddress,
  startEmailConsumer,
  validateRecipient,
  type OrderConfirmationDeps,
  type OrderConfirmationHandlers,
} from './email/email.consumer';
export { startEmailWorker, wireEmailWorker } from './email/email.worker';
export { createMailer, type Mailer, type OutgoingEmail } from './email/mailer';
export { saveEmlFile } from './email/mail-folder';
export { startProjectionConsumer } from './projection/projection.consumer';
export { startRestaurantConsumer, type RestaurantActions } from './restaurant/restaurant.consumer';
export { sdkRestaurantActions } from './restaurant/sdk-restaurant-actions';
export { findEmailLog, listEmailLogForOrder, recordEmailsSent } from './email/email-log.repository';
export type { EmailLogDatabase, EmailLogRow, EmailLogTable } from './email/email-log.table';
export { OrderConfirmationEmail, orderUrlFor, renderOrderConfirmationEmail, type RenderedEmail } from './email/order-confirmation.email';
export { startRestaurantWorker, wireRestaurantWorker } from './restaurant/restaurant.worker';
export { startProjectionWorker, wireProjectionWorker } from './projection/projection.worker';
export type { WireWorker, WorkerResources } from './shared/worker-resources';
