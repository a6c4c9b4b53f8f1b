import { EventEmitter } from 'node:events';
import type { MessageBus } from '@delivery/events';

/**
 * Tells this API instance that an order's stream has moved. Fed by the bus's watch of every event (on
 * RabbitMQ an exclusive, server-named queue of this instance's own, bound to the `orders` fanout), so
 * every instance hears every event.
 *
 * A notice is only a nudge: listeners re-read the stream from their last version, which makes duplicates,
 * out-of-order deliveries and a notice lost during a broker reconnection harmless (after a reconnection
 * every listener is nudged once, to catch up on what it may have missed).
 */
export interface OrderChangeFeed {
  /** Calls `listener` whenever the order may have changed; returns the unsubscribe function. */
  listen(orderId: string, listener: () => void): () => void;
  /** Resolves once events flow; the API serves (and takes orders) before that. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const EVERY_ORDER = Symbol('every order');

export function startOrderChangeFeed(options: { bus: MessageBus }): OrderChangeFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let closed = false;
  const watch = options.bus.watch({
    onEvent: (message) => emitter.emit(message.event.data.orderId),
    // Whatever happened while disconnected, every listener re-reads its stream once.
    onResync: () => emitter.emit(EVERY_ORDER),
  });
  return {
    ready: watch.ready,
    listen(orderId, listener) {
      if (closed) throw new Error('order change feed is closed');
      emitter.on(orderId, listener);
      emitter.on(EVERY_ORDER, listener);
      return () => {
        emitter.off(orderId, listener);
        emitter.off(EVERY_ORDER, listener);
      };
    },
    async close() {
      closed = true;
      watch.close();
      emitter.removeAllListeners();
    },
  };
}

export interface WakeUps {
  /** Resolves true at the next nudge (at once if one came since the last call), false once `signal` aborts. */
  next(): Promise<boolean>;
  close(): void;
}

/**
 * Listens for nudges about one order from now on, before the caller reads anything, so no change slips
 * between a read and the wait. Nudges arriving while the caller is busy collapse into one (it re-reads).
 */
export function listenForWakeUps(feed: OrderChangeFeed, orderId: string, signal: AbortSignal): WakeUps {
  let pending = false;
  let wake: (() => void) | null = null;
  const nudge = () => {
    pending = true;
    wake?.();
  };
  const unsubscribe = feed.listen(orderId, nudge);
  signal.addEventListener('abort', nudge, { once: true });
  const close = () => {
    unsubscribe();
    signal.removeEventListener('abort', nudge);
  };
  return {
    async next() {
      if (!pending && !signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      pending = false;
      if (signal.aborted) close();
      return !signal.aborted;
    },
    close,
  };
}
