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

export interface ChannelSettlement {
  /** Every delivery of the channel, as it arrives: until it is settled, no multiple ack may reach past it. */
  delivered(message: ConsumeMessage): void;
  /** Acks (with the others of this turn of the event loop), nacks, or parks it; resolves once written to the channel. */
  settle(message: ConsumeMessage, outcome: DeliveryOutcome): Promise<void>;
}

/**
 * Settles the deliveries of one consumer channel. Acks that fall in the same turn of the event loop (a batch,
 * the deliveries of one read that no handler takes) are written together, as one multiple ack where
 * `groupAcks` allows it: amqplib writes every ack frame to the socket on its own, a tenth of a consumer's CPU.
 * A nack goes at once. `onLost` hears of a settlement the closed channel could not take (the broker has
 * already put that message back for redelivery).
 * @example const settlement = settleOn(channel, onLost); settlement.delivered(message); await settlement.settle(message, 'ack');
 */
export function settleOn(channel: Channel, onLost: (error: unknown, message: ConsumeMessage, outcome: DeliveryOutcome) => void): ChannelSettlement {
  const unsettled = new Map<number, ConsumeMessage>();
  let acks: ConsumeMessage[] = [];
  let flushing: Promise<void> | null = null;

  const write = (messages: readonly ConsumeMessage[], send: () => void, outcome: DeliveryOutcome) => {
    try {
      send();
    } catch (error) {
      for (const message of messages) onLost(error, message, outcome);
    }
  };

  const flush = () => {
    const taken = acks;
    acks = [];
    flushing = null;
    const { upTo, single } = groupAcks(
      unsettled.keys(),
      taken.map((message) => message.fields.deliveryTag),
    );
    const byTag = new Map(taken.map((message) => [message.fields.deliveryTag, message]));
    for (const message of taken) unsettled.delete(message.fields.deliveryTag);
    if (upTo !== null) {
      const last = byTag.get(upTo) as ConsumeMessage;
      write(
        taken.filter((message) => message.fields.deliveryTag <= upTo),
        () => channel.ack(last, true),
        'ack',
      );
    }
    for (const tag of single) {
      const message = byTag.get(tag) as ConsumeMessage;
      write([message], () => channel.ack(message), 'ack');
    }
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
      acks.push(message);
      flushing ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          flush();
          resolve();
        }),
      );
      return flushing;
    },
  };
}
