import { performance } from 'node:perf_hooks';
import type { SmtpCapture } from '@delivery/workers/testing';

const SUBJECT = /^Order confirmed: (\S+)$/;

export interface EmailArrivals {
  /** When each order's confirmation reached the SMTP capture (performance.now()), by order id. */
  readonly arrivals: ReadonlyMap<string, number>;
  stop(): void;
}

/**
 * Stamps every confirmation email as the capture accepts it. The capture resolves its waiters in the
 * same tick it stores a message, so awaiting "one more than seen" times each arrival without polling.
 */
export function recordEmailArrivals(capture: SmtpCapture): EmailArrivals {
  const arrivals = new Map<string, number>();
  let stopped = false;
  let stop!: () => void;
  const stopping = new Promise<null>((resolve) => {
    stop = () => resolve(null);
  });
  void (async () => {
    let seen = capture.messages.length;
    while (!stopped) {
      const all = await Promise.race([capture.waitForMessages(seen + 1), stopping]);
      if (all === null) return;
      const arrivedAt = performance.now();
      for (const message of all.slice(seen)) {
        const orderId = SUBJECT.exec(message.subject ?? '')?.[1];
        if (orderId && !arrivals.has(orderId)) arrivals.set(orderId, arrivedAt);
      }
      seen = all.length;
    }
  })();
  return {
    arrivals,
    stop() {
      stopped = true;
      stop();
    },
  };
}
