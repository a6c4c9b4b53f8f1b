import {
  NonRetryableError,
  ORDER_QUEUES,
  retryWhileUnavailable,
  systemClock,
  type MessageBus,
  type Clock,
  type BatchEventHandler,
  type Consumer,
  type EventHandler,
  type Logger,
  type OrderPlaced,
  type ReceivedEventMessage,
} from '@delivery/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { findEmailLog, findEmailLogs, recordEmailsSent } from './email-log.repository';
import type { EmailLogDatabase, NewEmailLogRow } from './email-log.table';
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

/**
 * How long the first confirmation of a batch waits for others (at 100 orders/s, about five share a batch):
 * a little latency for one read and one write of the email log per batch rather than per email.
 */
const BATCH_WAIT_MS = 50;

/** How long recording a sent email is retried while the database is down (inside the consumer's hold). */
const RECORD_RETRY_MS = 4 * 60_000;

/** A 5xx answer to RCPT TO: the server refuses this recipient for good. */
function isPermanentRecipientRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, command } = error as { responseCode?: unknown; command?: unknown };
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && command === 'RCPT TO';
}

interface PlacedMessage {
  message: ReceivedEventMessage;
  event: OrderPlaced;
}

/** What the email worker runs: a batch of the events that wait together, and one event at a time (what a batch leaves or fails on). */
export interface OrderConfirmationHandlers {
  batch: BatchEventHandler;
  handler: EventHandler;
}

/**
 * Sends one confirmation email per OrderPlaced event: skips an event already in the email log, refuses a
 * bad recipient (parked), logs the email after the server accepted it. Other events are not this worker's
 * business and are acked as handled. A batch reads the log for all its events in one statement, sends
 * their emails side by side over the pooled connections and records those sent in one statement; an
 * email it could not send (a bad address, a refusing server) is left to the one-event path, which retries
 * or parks it as it would on its own.
 */
export function createOrderConfirmationHandlers(deps: OrderConfirmationDeps): OrderConfirmationHandlers {
  const clock = deps.clock ?? systemClock;
  const render = createOrderConfirmationRenderer();
  /**
   * Copies of one event being handled here now. The outbox may publish an event twice (after a database
   * outage it republishes what it could not mark); a second copy that checked the email log while the first
   * was still sending or recording would send again, so it waits for the first and then reads the log.
   */
  const inFlight = new Map<string, Promise<unknown>>();

  /** Sends the email of one event not in the log; resolves with its log entry, to be recorded. */
  const send = async (event: OrderPlaced): Promise<NewEmailLogRow> => {
    const { eventId } = event.metadata;
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
    return { event_id: eventId, order_id: orderId, recipient, sent_at: clock.now(), message_id: messageId };
  };

  /** Records the emails sent, then says so in one line (for one email or a batch alike). */
  const record = async (rows: readonly NewEmailLogRow[], logger: Logger): Promise<void> => {
    if (rows.length === 0) return;
    const emailMessageIds = rows.map((row) => row.message_id);
    // The emails are out: should the database be down now, only the record is retried, never the send, or the
    // customers would get the confirmations again once the messages are redelivered.
    await retryWhileUnavailable(() => recordEmailsSent(deps.db, rows), {
      maxMs: RECORD_RETRY_MS,
      onRetry: (error) => logger.warn({ err: error, emailMessageIds }, 'emails sent but not yet recorded; retrying the record'),
    });
    logger.info({ orderIds: rows.map((row) => row.order_id), emailMessageIds }, 'confirmation emails sent');
  };

  const confirm = async (event: OrderPlaced, logger: Logger): Promise<void> => {
    const sent = await findEmailLog(deps.db, event.metadata.eventId);
    if (sent) {
      logger.info({ sentAt: sent.sent_at, emailMessageId: sent.message_id }, 'confirmation email already sent; skipping');
      return;
    }
    const row = await send(event);
    await record([row], logger);
  };

  /** Runs `work` once no other copy of these events is in flight here, as the copy in flight for each. */
  const exclusively = <T>(eventIds: readonly string[], work: () => Promise<T>): Promise<T> => {
    const earlier = eventIds.flatMap((eventId) => inFlight.get(eventId) ?? []);
    const handling = Promise.all(earlier.map((promise) => promise.catch(() => undefined))).then(work);
    for (const eventId of eventIds) inFlight.set(eventId, handling);
    const forget = () => {
      for (const eventId of eventIds) if (inFlight.get(eventId) === handling) inFlight.delete(eventId);
    };
    handling.then(forget, forget);
    return handling;
  };

  /** Resolves with the messages whose email could not be sent (left to the one-event path). */
  const confirmBatch = async (placed: readonly PlacedMessage[], logger: Logger): Promise<ReceivedEventMessage[]> => {
    const logRows = await findEmailLogs(
      deps.db,
      placed.map(({ event }) => event.metadata.eventId),
    );
    const logged = new Set(logRows.map((row) => row.event_id));
    const unsent = placed.filter(({ event }) => !logged.has(event.metadata.eventId));
    const outcomes = await Promise.allSettled(unsent.map(({ event }) => send(event)));
    const rows = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    await record(rows, logger);
    if (logged.size > 0) logger.info({ eventIds: [...logged] }, 'confirmation emails already sent; skipping');
    return unsent.filter((_placed, index) => outcomes[index]?.status === 'rejected').map(({ message }) => message);
  };

  return {
    async batch(messages, { logger }) {
      const placed: PlacedMessage[] = [];
      const waiting: ReceivedEventMessage[] = [];
      const copies: PlacedMessage[] = [];
      const taken = new Set<string>();
      for (const message of messages) {
        const { event } = message;
        if (event.type !== 'OrderPlaced') continue;
        const { eventId } = event.metadata;
        // A copy of an event in flight here: the one-event path waits for it, then reads the log.
        if (inFlight.has(eventId)) waiting.push(message);
        // A second copy in this batch fares as the first: acked with it, or left over with it.
        else if (taken.has(eventId)) copies.push({ message, event });
        else placed.push({ message, event });
        taken.add(eventId);
      }
      if (placed.length === 0) return { leftOver: waiting };
      const eventIds = placed.map(({ event }) => event.metadata.eventId);
      const failed = await exclusively(eventIds, () => confirmBatch(placed, logger));
      const failedIds = new Set(failed.map(({ event }) => event.metadata.eventId));
      const failedCopies = copies.filter(({ event }) => failedIds.has(event.metadata.eventId)).map(({ message }) => message);
      return { leftOver: [...waiting, ...failed, ...failedCopies] };
    },
    async handler({ event }, { logger }) {
      if (event.type !== 'OrderPlaced') return;
      await exclusively([event.metadata.eventId], () => confirm(event, logger));
    },
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
    /** The most emails one batch sends at once (default: the prefetch). */
    batchSize?: number;
    retryDelayMs?: (deliveryCount: number) => number;
    maxHoldMs?: number;
  },
): Promise<Consumer> {
  const { batch, handler } = createOrderConfirmationHandlers(options);
  return options.bus.consume({
    queue: ORDER_QUEUES.confirmation,
    eventTypes: ['OrderPlaced'],
    prefetch: options.prefetch,
    logger: options.logger,
    handler,
    batch: { handler: batch, maxWaitMs: BATCH_WAIT_MS, ...(options.batchSize ? { maxSize: options.batchSize } : {}) },
    ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.maxHoldMs ? { maxHoldMs: options.maxHoldMs } : {}),
  });
}
