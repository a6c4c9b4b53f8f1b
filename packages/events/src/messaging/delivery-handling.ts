import { tracedHandler } from '../tracing/traced-messaging';
import type { Logger } from '../shared/logger';
import { MalformedMessageError, messageLogFields, parseEventMessage, type DeliveredMessage, type ReceivedEventMessage } from './event-message';
import { DELIVERY_LIMIT } from './topology';

export type EventHandler = (message: ReceivedEventMessage, context: { logger: Logger }) => Promise<void>;

/** Thrown by a handler for a message that can never succeed (a bad address, a refused command): it is parked at once. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

export const isRetryableByDefault = (error: unknown): boolean =>
  !(error instanceof NonRetryableError || error instanceof MalformedMessageError);

/** 200 ms, 400 ms, 800 ms, ... capped at 5 s: the wait before a failed message goes back to its queue. */
export const defaultRetryDelayMs = (deliveryCount: number): number => Math.min(5_000, 200 * 2 ** Math.min(deliveryCount, 10));

/** What becomes of a delivery: done, parked for an operator, or back to the queue for another try. */
export type DeliveryOutcome = 'ack' | 'park' | 'retry';

export interface DeliveryPolicy {
  handler: EventHandler;
  logger: Logger;
  /** False parks a failed message at once; true (the default for most errors) retries it until the delivery limit. */
  isRetryable?: (error: unknown) => boolean;
  retryDelayMs?: (deliveryCount: number) => number;
}

/**
 * Runs the handler on one delivery and says what to do with it, the same for every transport: a
 * malformed or non-retryable message is parked; a failing one waits a backoff based on its delivery
 * count (cut short by `stopSignal`) and is retried; the queue parks it at the delivery limit.
 * @example const outcome = await handleDelivery(message, policy, stopSignal); settle(message, outcome);
 */
export async function handleDelivery(message: DeliveredMessage, policy: DeliveryPolicy, stopSignal: AbortSignal): Promise<DeliveryOutcome> {
  const log = policy.logger.child(messageLogFields(message));
  let received: ReceivedEventMessage;
  try {
    received = parseEventMessage(message);
  } catch (error) {
    log.error({ err: error }, 'malformed message; parking it');
    return 'park';
  }
  try {
    // Tracing: one consumer span per delivery, continuing the trace of its traceparent header.
    await tracedHandler(policy.handler)(received, { logger: log });
    return 'ack';
  } catch (error) {
    if (!(policy.isRetryable ?? isRetryableByDefault)(error)) {
      log.error({ err: error }, 'message cannot be handled; parking it');
      return 'park';
    }
    const delayMs = (policy.retryDelayMs ?? defaultRetryDelayMs)(received.deliveryCount);
    const lastTry = received.deliveryCount >= DELIVERY_LIMIT;
    log[lastTry ? 'error' : 'warn'](
      { err: error, delayMs },
      lastTry ? 'handler failed at the delivery limit; the queue will park the message' : 'handler failed; retrying later',
    );
    await delay(delayMs, stopSignal).promise;
    return 'retry';
  }
}

/** A wait that ends early when `signal` aborts or `cancel()` is called, and never holds the process open after. */
export function delay(ms: number, signal?: AbortSignal): { promise: Promise<void>; cancel(): void } {
  let cancel!: () => void;
  const promise = new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
    if (signal?.aborted) done();
    cancel = done;
  });
  return { promise, cancel };
}
