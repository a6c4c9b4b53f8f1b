import {
  NonRetryableError,
  ORDER_QUEUES,
  retryWhileUnavailable,
  systemClock,
  type MessageBus,
  type Clock,
  type Consumer,
  type EventHandler,
  type Logger,
  type OrderPlaced,
} from '@delivery/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { findEmailLog, recordEmailSent } from './email-log.repository';
import type { EmailLogDatabase } from './email-log.table';
import type { Mailer } from './mailer';
import { createOrderConfirmationRenderer } from './order-confirmation.compiled';
import { orderUrlFor } from './order-confirmation.email';

export interface OrderConfirmationDeps {
  db: Kysely<EmailLogDatabase>;
  mailer: Mailer;
  /** The customer-facing base URL; the email links to `${publicUrl}/orders/<id>`. */
  publicUrl: string;
  /** The right-hand side of the Message-ID, usually the sender's domain. */
  messageIdDomain: string;
  clock?: Clock;
}

// CR or LF in an address would let it add headers of its own (header injection).
const Recipient = z
  .email()
  .max(320)
  .refine((address) => !/[\r\n]/.test(address), { error: 'contains a line break' });

/** @throws NonRetryableError for an address no retry can make valid. */
export function validateRecipient(address: string): string {
  const parsed = Recipient.safeParse(address);
  if (!parsed.success) throw new NonRetryableError(`invalid recipient address: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * The same event always yields the same Message-ID, so even an email sent twice (a crash between
 * sending and logging) is recognisable as one by the receiving side.
 */
export function confirmationMessageId(eventId: string, domain: string): string {
  return `<order-confirmation.${eventId}@${domain}>`;
}

/** The domain of a sender such as `Shop <shop@example.com>`, for Message-IDs. */
export function domainOfAddress(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'delivery-system.local';
}

/** How long recording a sent email is retried while the database is down (inside the consumer's hold). */
const RECORD_RETRY_MS = 4 * 60_000;

/** A 5xx answer to RCPT TO: the server refuses this recipient for good. */
function isPermanentRecipientRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, command } = error as { responseCode?: unknown; command?: unknown };
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && command === 'RCPT TO';
}

/**
 * Sends one confirmation email per OrderPlaced event: skips an event already in the email log,
 * refuses a bad recipient (parked), logs the email after the server accepted it. Other events are
 * not this worker's business and are acked as handled.
 */
export function createOrderConfirmationHandler(deps: OrderConfirmationDeps): EventHandler {
  const clock = deps.clock ?? systemClock;
  const render = createOrderConfirmationRenderer();
  /**
   * Copies of one event being handled here now. The outbox may publish an event twice (after a database
   * outage it republishes what it could not mark); a second copy that checked the email log while the first
   * was still sending or recording would send again, so it waits for the first and then reads the log.
   */
  const inFlight = new Map<string, Promise<void>>();
  const confirm = async (event: OrderPlaced, logger: Logger): Promise<void> => {
    const { eventId } = event.metadata;
    const sent = await findEmailLog(deps.db, eventId);
    if (sent) {
      logger.info({ sentAt: sent.sent_at, emailMessageId: sent.message_id }, 'confirmation email already sent; skipping');
      return;
    }
    const recipient = validateRecipient(event.data.email);
    const { orderId, lines, total } = event.data;
    const email = await render({ orderId, lines, total, status: 'pending', orderUrl: orderUrlFor(deps.publicUrl, orderId) });
    const messageId = confirmationMessageId(eventId, deps.messageIdDomain);
    try {
      await deps.mailer.send({ to: recipient, messageId, ...email });
    } catch (error) {
      if (isPermanentRecipientRefusal(error)) throw new NonRetryableError('the mail server refused the recipient', { cause: error });
      throw error;
    }
    const sentAt = clock.now();
    // The email is out: should the database be down now, only the record is retried, never the send, or the
    // customer would get the confirmation again once the message is redelivered.
    await retryWhileUnavailable(
      () => recordEmailSent(deps.db, { event_id: eventId, order_id: event.data.orderId, recipient, sent_at: sentAt, message_id: messageId }),
      {
        maxMs: RECORD_RETRY_MS,
        onRetry: (error) => logger.warn({ err: error, emailMessageId: messageId }, 'email sent but not yet recorded; retrying the record'),
      },
    );
    logger.info({ orderId: event.data.orderId, emailMessageId: messageId }, 'confirmation email sent');
  };
  return async ({ event }, { logger }) => {
    if (event.type !== 'OrderPlaced') return;
    const { eventId } = event.metadata;
    const earlier = inFlight.get(eventId);
    const handling = (earlier ?? Promise.resolve()).catch(() => undefined).then(() => confirm(event, logger));
    inFlight.set(eventId, handling);
    try {
      await handling;
    } finally {
      if (inFlight.get(eventId) === handling) inFlight.delete(eventId);
    }
  };
}

/**
 * The email worker's consumer on `orders.confirmation`.
 * @example const consumer = await startEmailConsumer({ bus, logger, prefetch: 8, db, mailer, publicUrl, messageIdDomain });
 */
export function startEmailConsumer(
  options: OrderConfirmationDeps & {
    bus: MessageBus;
    logger: Logger;
    prefetch: number;
    retryDelayMs?: (deliveryCount: number) => number;
    maxHoldMs?: number;
  },
): Promise<Consumer> {
  return options.bus.consume({
    queue: ORDER_QUEUES.confirmation,
    eventTypes: ['OrderPlaced'],
    prefetch: options.prefetch,
    logger: options.logger,
    handler: createOrderConfirmationHandler(options),
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.maxHoldMs ? { maxHoldMs: options.maxHoldMs } : {}),
  });
}
