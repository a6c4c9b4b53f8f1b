import type { OrderEventType } from '../order/order.events';
import type { CircuitBreakerOptions } from './circuit-breaker';
import type { AutoRedrive } from './consumer-gate';
import type { BatchPolicy } from './delivery-batches';
import type { DeliveryPolicy } from './delivery-handling';
import type { ReceivedEventMessage } from './event-message';
import type { EventPublisher } from './publisher';

export interface ConsumeOptions extends DeliveryPolicy {
  queue: string;
  /** Unacked messages in flight, which is also how many handlers run at once (without `batch`). */
  prefetch: number;
  /**
   * Handle the deliveries that wait together as one batch, one batch at a time (see `createDeliveryRunner`);
   * `handler` still runs whatever a batch leaves or fails on, one message at a time.
   */
  batch?: BatchPolicy;
  /**
   * The event types the handlers take (default: all). A delivery whose `x-event-type` header names another
   * order event type is acked unread: parsing and validating it could only end in that ack. A delivery with
   * no such header, or an unknown type, is read as usual (and parked if it is malformed).
   */
  eventTypes?: readonly OrderEventType[];
  /** How long `stop()` lets running handlers finish before it lets go (their messages are redelivered). */
  stopTimeoutMs?: number;
  /** Told each time the consumer put back messages parked while a dependency was down (for metrics). */
  onAutoRedrive?: ((redrive: AutoRedrive) => void) | undefined;
  /** The cool-downs of the consumer's circuit breakers (defaults: 500 ms, doubling up to 10 s). */
  breaker?: Partial<CircuitBreakerOptions>;
}

export interface Consumer {
  readonly queue: string;
  /** Stops taking messages, lets running handlers settle (bounded), hands the rest back to the queue. */
  stop(): Promise<void>;
}

/** Every event published from now on, for nudges (at most once: no acks, nothing kept while away). */
export interface EventWatch {
  /** Resolves once events flow; publishing does not wait for it. */
  ready: Promise<void>;
  close(): void;
}

export interface WatchListener {
  onEvent(message: ReceivedEventMessage): void;
  /** Events may have been missed (a reconnection): re-read whatever is being followed. */
  onResync(): void;
}

/**
 * Where order events travel from the outbox to the consumers: RabbitMQ (`createAmqpBus`) or, in
 * embedded mode, this process (`createInProcessBus`). Both deliver at least once, to every queue of
 * `ORDER_QUEUES`, with the same acks, retries and parking; code written against this interface runs on
 * either unchanged.
 */
export interface MessageBus {
  /** `rabbitmq` or `in-process`: for logs and readiness. */
  readonly kind: 'rabbitmq' | 'in-process';
  createPublisher(): EventPublisher;
  /**
   * Consumes `queue` with manual acks: a message is acked only after its handler succeeded (see
   * `handleDelivery`). Resolves once consuming.
   */
  consume(options: ConsumeOptions): Promise<Consumer>;
  watch(listener: WatchListener): EventWatch;
  /** False while the transport is away (the relay waits, `/readyz` says so). */
  isConnected(): boolean;
  /** Resolves once connected; rejects after `close()`. */
  whenConnected(): Promise<void>;
  close(): Promise<void>;
}
