import type { Channel, ConsumeMessage } from 'amqplib';
import type { DeliveryOutcome } from './delivery-handling';

/**
 * Which of `acked` may go to the broker as one `ack(upTo, allUpTo=true)`, and which must go one by one. A
 * multiple ack settles every delivery of the channel up to its tag, so it may only reach as far as the first
 * delivery still unsettled that is not among `acked` (being handled, waiting for a retry, held behind a
 * breaker): every acked tag below that one is covered, the others are acked alone.
 * @example groupAcks([1, 2, 3, 5], [1, 2, 5]) // { upTo: 2, single: [5] }: 3 is still being handled
 */
export function groupAcks(unsettled: Iterable<number>, acked: readonly number[]): { upTo: number | null; single: number[] } {
  const acking = new Set(acked);
  let firstOther = Number.POSITIVE_INFINITY;
  for (const tag of unsettled) if (!acking.has(tag) && tag < firstOther) firstOther = tag;
  const covered = acked.filter((tag) => tag < firstOther);
  const beyond = acked.filter((tag) => tag > firstOther);
  if (covered.length < 2) return { upTo: null, single: [...covered, ...beyond] };
  return { upTo: Math.max(...covered), single: beyond };
}

/** How long acks wait to go to the broker together. */
export interface AckCoalescing {
  /** How long an ack waits for others to join it before they are written. */
  windowMs: number;
  /** How long an ack no multiple ack may cover yet (an earlier delivery is still being handled) waits for it at most. */
  maxWaitMs: number;
  /** The most acks held back at once: they still count against the prefetch, so a full hold is written at once. */
  maxHeld: number;
}

/**
 * 5 ms gathers the acks of deliveries that trickle in one per read (those a consumer skips by type); 100 ms
 * outlasts a batch's gathering (the email worker's waits 50 ms); a quarter of the prefetch held back leaves
 * the broker room to go on sending.
 */
export const ackCoalescingFor = (prefetch: number): AckCoalescing => ({ windowMs: 5, maxWaitMs: 100, maxHeld: Math.max(1, Math.floor(prefetch / 4)) });

export interface ChannelSettlement {
  /** Every delivery of the channel, as it arrives: until it is settled, no multiple ack may reach past it. */
  delivered(message: ConsumeMessage): void;
  /** Acks (with the others held back, see `settleOn`), nacks, or parks it; resolves once written to the channel. */
  settle(message: ConsumeMessage, outcome: DeliveryOutcome): Promise<void>;
  /** Writes the acks held back now, and every later one as soon as it comes (the consumer is stopping). */
  drain(): void;
}

interface HeldAck {
  message: ConsumeMessage;
  since: number;
  written(): void;
}

/**
 * Settles the deliveries of one consumer channel. Acks are held back for `coalescing.windowMs` and written
 * together, as one multiple ack where `groupAcks` allows it: each ack frame costs the consumer a socket write
 * and the broker a frame to read and settle. An ack that an earlier delivery still being handled keeps out of
 * the multiple ack waits for that one to settle, up to `maxWaitMs` (or until `maxHeld` wait), then goes alone;
 * the frames of one flush go out in one socket write. A delayed ack costs nothing but a redelivery if the
 * channel dies first (at-least-once); `drain` writes them before the channel closes. A nack goes at once.
 * `onLost` hears of a settlement the closed channel could not take (the broker has already put that message
 * back for redelivery).
 * @example const settlement = settleOn(channel, ackCoalescingFor(prefetch), onLost); settlement.delivered(message); await settlement.settle(message, 'ack');
 */
export function settleOn(
  channel: Channel,
  coalescing: AckCoalescing,
  onLost: (error: unknown, message: ConsumeMessage, outcome: DeliveryOutcome) => void,
): ChannelSettlement {
  const unsettled = new Map<number, ConsumeMessage>();
  let held: HeldAck[] = [];
  let timer: NodeJS.Timeout | null = null;
  let soon: NodeJS.Immediate | null = null;
  let draining = false;
  // amqplib's channel keeps its connection's socket there (not in its types).
  const socket = (channel as unknown as { connection?: { stream?: { cork(): void; uncork(): void } } }).connection?.stream;
  /**
   * amqplib passes each frame to the socket on its own, from an immediate it queues once the frames are in:
   * the socket stays corked until the next turn, after that one, so the frames go out in one write (and reach
   * the broker in one read). Other channels' frames of that turn wait with them.
   */
  const corked = (frames: number, writeAll: () => void) => {
    if (!socket || frames < 2) return writeAll();
    socket.cork();
    writeAll();
    setImmediate(() => setImmediate(() => socket.uncork()));
  };

  const write = (messages: readonly ConsumeMessage[], send: () => void, outcome: DeliveryOutcome) => {
    try {
      send();
    } catch (error) {
      for (const message of messages) onLost(error, message, outcome);
    }
  };

  const written = (acks: readonly HeldAck[]) => {
    for (const ack of acks) {
      unsettled.delete(ack.message.fields.deliveryTag);
      ack.written();
    }
  };

  const flush = (force: boolean) => {
    if (timer) clearTimeout(timer);
    if (soon) clearImmediate(soon);
    timer = null;
    soon = null;
    const { upTo, single } = groupAcks(
      unsettled.keys(),
      held.map((ack) => ack.message.fields.deliveryTag),
    );
    const covered = upTo === null ? [] : held.filter((ack) => ack.message.fields.deliveryTag <= upTo);
    const alone = new Set(single);
    const rest = held.filter((ack) => alone.has(ack.message.fields.deliveryTag));
    const now = Date.now();
    const overdue = force || draining || rest.length >= coalescing.maxHeld || rest.some((ack) => now - ack.since >= coalescing.maxWaitMs);
    const singly = overdue ? rest : [];
    held = overdue ? [] : rest;
    corked((covered.length > 0 ? 1 : 0) + singly.length, () => {
      const last = covered.find((ack) => ack.message.fields.deliveryTag === upTo);
      if (last)
        write(
          covered.map((ack) => ack.message),
          () => channel.ack(last.message, true),
          'ack',
        );
      for (const ack of singly) write([ack.message], () => channel.ack(ack.message), 'ack');
    });
    written(covered);
    written(singly);
    if (held.length > 0) timer = setTimeout(() => flush(false), coalescing.windowMs);
  };

  return {
    delivered(message) {
      unsettled.set(message.fields.deliveryTag, message);
    },
    settle(message, outcome) {
      if (outcome !== 'ack') {
        unsettled.delete(message.fields.deliveryTag);
        // requeue=false dead-letters to the parking queue; requeue=true counts a delivery towards the limit.
        write([message], () => channel.nack(message, false, outcome === 'retry'), outcome);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        held.push({ message, since: Date.now(), written: resolve });
        if (draining || held.length >= coalescing.maxHeld) {
          // Not at once: the other acks of this turn may join it.
          if (!soon) soon = setImmediate(() => flush(true));
        } else if (!timer && !soon) {
          timer = setTimeout(() => flush(false), coalescing.windowMs);
        }
      });
    },
    drain() {
      draining = true;
      flush(true);
    },
  };
}
