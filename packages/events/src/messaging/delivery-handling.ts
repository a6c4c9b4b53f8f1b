import { backoffDelayMs, delay } from '../shared/backoff';
import { dependencyFailureOf } from '../shared/dependency-failure';
import { tracedHandler } from './traced-messaging';
import type { Logger } from '../shared/logger';
import type { DependencyGate, GatePermit } from './dependency-gate';
import {
  MalformedMessageError,
  messageLogFields,
  parseEventMessage,
  type DeliveredMessage,
  type EventHandler,
  type ReceivedEventMessage,
} from './event-message';
import { DELIVERY_LIMIT } from './topology';

/** Thrown by a handler for a message that can never succeed (a bad address, a refused command): it is parked at once. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

export const isRetryableByDefault = (error: unknown): boolean => !(error instanceof NonRetryableError || error instanceof MalformedMessageError);

/** 200 ms, 400 ms, 800 ms, ... capped at 5 s: the wait before a failed message goes back to its queue. */
export const defaultRetryDelayMs = (deliveryCount: number): number => backoffDelayMs({ initialMs: 200, maxMs: 5_000 }, deliveryCount);

/** What becomes of a delivery: done, parked for an operator, or back to the queue for another try. */
export type DeliveryOutcome = 'ack' | 'park' | 'retry';

export interface DeliveryPolicy {
  handler: EventHandler;
  logger: Logger;
  /** False parks a failed message at once; true (the default for most errors) retries it until the delivery limit. */
  isRetryable?: (error: unknown) => boolean;
  retryDelayMs?: (deliveryCount: number) => number;
  /**
   * The longest a delivery is held unacked while a dependency is down (default 5 minutes); then it goes
   * back to the queue as a failed try. Well below RabbitMQ's consumer_timeout (30 minutes by default).
   */
  maxHoldMs?: number;
}

export const DEFAULT_MAX_HOLD_MS = 5 * 60_000;

/**
 * Runs the handler on one delivery and says what to do with it, the same for every transport: a
 * malformed or non-retryable message is parked; a failing one waits a backoff based on its delivery
 * count (cut short by `stopSignal`) and is retried; the queue parks it at the delivery limit.
 *
 * With a `gate` (one per consumer), a failing dependency is told from a failing message
 * (`dependencyFailureOf`): the delivery is held unacked behind the dependency's circuit breaker and run
 * again once it answers, spending nothing of its delivery limit, for at most `maxHoldMs`. Meanwhile no
 * other delivery of the consumer runs (consumption pauses). A message that still runs out of deliveries
 * because of a dependency is noted with the gate, which puts it back once the dependency is back.
 * @example const outcome = await handleDelivery(message, policy, stopSignal, gate); settle(message, outcome);
 */
export async function handleDelivery(
  message: DeliveredMessage,
  policy: DeliveryPolicy,
  stopSignal: AbortSignal,
  gate?: DependencyGate,
): Promise<DeliveryOutcome> {
  const log = policy.logger.child(messageLogFields(message));
  let received: ReceivedEventMessage;
  try {
    received = parseEventMessage(message);
  } catch (error) {
    log.error({ err: error }, 'malformed message; parking it');
    return 'park';
  }
  // Tracing: one consumer span per try, continuing the trace of its traceparent header.
  const handler = tracedHandler(policy.handler);
  const deadline = Date.now() + (policy.maxHoldMs ?? DEFAULT_MAX_HOLD_MS);
  let held = false;
  for (;;) {
    let permit: GatePermit = { kind: 'free' };
    if (gate) {
      const entry = await gate.enter({ held, signal: stopSignal, deadline });
      if (entry === 'stopped') return 'retry';
      if (entry === 'expired') return retryLater(received, policy, log, new Error('a dependency stayed down for the whole hold'), stopSignal, gate);
      permit = entry;
    }
    try {
      await handler(received, { logger: log });
      gate?.succeeded(permit);
      return 'ack';
    } catch (error) {
      const failure = gate ? dependencyFailureOf(error) : null;
      if (gate && failure && !stopSignal.aborted && Date.now() < deadline) {
        if (!held)
          log.warn({ err: error, dependency: failure.dependency, reason: failure.reason }, 'a dependency is down; holding the message until it is back');
        held = true;
        gate.failed(permit, failure.dependency);
        continue;
      }
      if (gate && !failure) gate.succeeded(permit);
      else gate?.release(permit);
      if (!(policy.isRetryable ?? isRetryableByDefault)(error)) {
        log.error({ err: error }, 'message cannot be handled; parking it');
        return 'park';
      }
      return retryLater(received, policy, log, error, stopSignal, gate);
    }
  }
}

/** A retryable failure: wait the backoff and go back to the queue, which parks the message at the delivery limit. */
async function retryLater(
  received: ReceivedEventMessage,
  policy: DeliveryPolicy,
  log: Logger,
  error: unknown,
  stopSignal: AbortSignal,
  gate: DependencyGate | undefined,
): Promise<DeliveryOutcome> {
  const delayMs = (policy.retryDelayMs ?? defaultRetryDelayMs)(received.deliveryCount);
  const lastTry = received.deliveryCount >= DELIVERY_LIMIT;
  // A hold that ran out carries no dependency error of its own: the breaker still open names it.
  const dependency = dependencyFailureOf(error)?.dependency ?? gate?.openDependencies()[0];
  log[lastTry ? 'error' : 'warn'](
    { err: error, delayMs },
    lastTry ? 'handler failed at the delivery limit; the queue will park the message' : 'handler failed; retrying later',
  );
  if (lastTry && gate && dependency) gate.noteParked(received.messageId, dependency);
  await delay(delayMs, stopSignal).promise;
  return 'retry';
}
