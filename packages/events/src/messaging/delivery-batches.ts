import { dependencyFailureOf } from '../shared/dependency-failure';
import type { Logger } from '../shared/logger';
import { DEFAULT_MAX_HOLD_MS, type DeliveryOutcome, handleDelivery } from './delivery-handling';
import type { DependencyGate, GatePermit } from './dependency-gate';
import { orderEventTypes } from '../order/order.events';
import { type DeliveredMessage, EVENT_HEADERS, parseEventMessage, type ReceivedEventMessage } from './event-message';
import type { ConsumeOptions } from './message-bus';
import { inBatchSpan } from './traced-messaging';

/**
 * Handles several deliveries at once (one transaction for all, say). Resolves with the messages it left
 * for the one-message handler (those it cannot take in a batch); every other message is acked.
 * Throwing hands every message of the batch to the one-message handler, so a message that fails on its
 * own is retried and parked alone, never its batch.
 */
export type BatchEventHandler = (
  messages: readonly ReceivedEventMessage[],
  context: { logger: Logger },
) => Promise<{ leftOver: readonly ReceivedEventMessage[] }>;

export interface BatchPolicy {
  handler: BatchEventHandler;
  /** The most deliveries in one batch (default: the consumer's prefetch). */
  maxSize?: number;
  /**
   * The fewest deliveries that make a batch (default 2: a delivery that comes alone takes the one-message
   * path). 1 when the batch handler is the cheaper way even for one.
   */
  minSize?: number;
  /**
   * How long a batch waits for more deliveries once its first one arrived, unless it is full (default: 0,
   * only those of the same read from the broker). Deliveries that trickle in one at a time then still share
   * a batch, at the cost of this much latency.
   */
  maxWaitMs?: number;
}

/** Runs a delivery and says what becomes of it; resolves once it is settled in the consumer's eyes. */
export type DeliveryRunner = (message: DeliveredMessage) => Promise<DeliveryOutcome>;

/**
 * How a consumer runs its deliveries: those of event types it does not take (`options.eventTypes`) acked
 * unread, the others each on its own (`handleDelivery`), or, with `options.batch`, the
 * deliveries waiting when the previous batch ended together, one batch at a time. A batch goes through the
 * dependency gate as one delivery; whatever it leaves or fails on is run one message at a time, as without
 * batches (in the background, so the next batch need not wait for their retries).
 * @example const run = createDeliveryRunner(options, stopSignal.signal, gate); run(message).then((outcome) => settle(message, outcome));
 */
export function createDeliveryRunner(options: ConsumeOptions, stopSignal: AbortSignal, gate?: DependencyGate): DeliveryRunner {
  const run = handledRunner(options, stopSignal, gate);
  const { eventTypes } = options;
  if (!eventTypes) return run;
  const skipped = new Set<unknown>(orderEventTypes.filter((type) => !eventTypes.includes(type)));
  return (message) => (skipped.has(message.properties.headers?.[EVENT_HEADERS.eventType]) ? Promise.resolve('ack') : run(message));
}

/** Each delivery on its own, or in batches. */
function handledRunner(options: ConsumeOptions, stopSignal: AbortSignal, gate?: DependencyGate): DeliveryRunner {
  const single: DeliveryRunner = (message) => handleDelivery(message, options, stopSignal, gate);
  const { batch } = options;
  if (!batch) return single;
  const maxSize = Math.max(1, batch.maxSize ?? options.prefetch);
  const waiting: { message: DeliveredMessage; settle(outcome: Promise<DeliveryOutcome>): void }[] = [];
  let running = false;

  /**
   * Starts the next batch. One that starts from idle waits for the deliveries of the same read from the broker
   * (or up to maxWaitMs); those that arrived while the previous batch ran have waited already and start at once
   * (waiting again would cap a consumer at maxSize deliveries per maxWaitMs).
   */
  const next = (afterBatch = false): void => {
    if (running || waiting.length === 0) return;
    running = true;
    (afterBatch ? (start: () => void) => setImmediate(start) : whenGathered)(() => {
      const taken = waiting.splice(0, maxSize);
      void runBatch(
        taken.map((entry) => entry.message),
        batch,
        options,
        stopSignal,
        gate,
        single,
      )
        .then((outcomes) => taken.forEach((entry, index) => entry.settle(outcomes[index] ?? single(entry.message))))
        .finally(() => {
          running = false;
          next(true);
        });
    });
  };

  /** Starts the batch that waits out maxWaitMs now (it is full). */
  let startEarly: (() => void) | null = null;
  const whenGathered = (start: () => void): void => {
    if (!batch.maxWaitMs || waiting.length >= maxSize) {
      setImmediate(start);
      return;
    }
    const timer = setTimeout(() => {
      startEarly = null;
      start();
    }, batch.maxWaitMs);
    startEarly = () => {
      clearTimeout(timer);
      startEarly = null;
      setImmediate(start);
    };
  };

  return (message) =>
    new Promise<DeliveryOutcome>((resolve, reject) => {
      waiting.push({ message, settle: (outcome) => outcome.then(resolve, reject) });
      if (startEarly && waiting.length >= maxSize) startEarly();
      next();
    });
}

/**
 * One batch: its messages' outcomes in its order. The batch's own work is awaited; the messages it hands to
 * the one-message path are not (their promises are in the result).
 */
async function runBatch(
  messages: readonly DeliveredMessage[],
  batch: BatchPolicy,
  options: ConsumeOptions,
  stopSignal: AbortSignal,
  gate: DependencyGate | undefined,
  single: DeliveryRunner,
): Promise<Promise<DeliveryOutcome>[]> {
  const parsed = messages.map((message) => {
    try {
      return parseEventMessage(message);
    } catch {
      // The one-message path parks it, with the log line that says why.
      return null;
    }
  });
  const received = parsed.filter((message): message is ReceivedEventMessage => message !== null);
  if (received.length < (batch.minSize ?? 2) || stopSignal.aborted) return messages.map(single);
  const handled = await handleAsOne(received, batch.handler, options, stopSignal, gate);
  return messages.map((message, index) => {
    const own = parsed[index];
    return own && handled.has(own) ? Promise.resolve<DeliveryOutcome>('ack') : single(message);
  });
}

/** The messages the batch handler took (to be acked); none when it failed or the gate did not let it run. */
async function handleAsOne(
  received: readonly ReceivedEventMessage[],
  handler: BatchEventHandler,
  options: ConsumeOptions,
  stopSignal: AbortSignal,
  gate: DependencyGate | undefined,
): Promise<Set<ReceivedEventMessage>> {
  const logger = options.logger;
  let permit: GatePermit = { kind: 'free' };
  if (gate) {
    const entry = await gate.enter({ held: false, signal: stopSignal, deadline: Date.now() + (options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS) });
    if (entry === 'stopped' || entry === 'expired') return new Set();
    permit = entry;
  }
  try {
    const { leftOver } = await inBatchSpan(received, () => handler(received, { logger }));
    gate?.succeeded(permit);
    const left = new Set(leftOver);
    return new Set(received.filter((message) => !left.has(message)));
  } catch (error) {
    const failure = dependencyFailureOf(error);
    // A dependency that is down opens its breaker: the messages then wait for it one by one, held as without batches.
    if (gate && failure) gate.failed(permit, failure.dependency);
    else gate?.succeeded(permit);
    logger.warn({ err: error, messages: received.length }, 'batch failed; handling its messages one by one');
    return new Set();
  }
}
