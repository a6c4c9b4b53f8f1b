import type { Channel, ConsumeMessage } from 'amqplib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupAcks, settleOn } from './channel-settlement';

describe('grouping acks of one channel', () => {
  it('acks everything up to the last tag at once when nothing else is unsettled', () => {
    expect(groupAcks([4, 5, 6, 7], [4, 5, 6, 7])).toEqual({ upTo: 7, single: [] });
  });

  it('never reaches past a delivery still being handled: the acks after it go one by one', () => {
    expect(groupAcks([1, 2, 3, 5, 6], [1, 2, 5, 6])).toEqual({ upTo: 2, single: [5, 6] });
  });

  it('acks one by one when the earliest unsettled delivery is not among them', () => {
    expect(groupAcks([1, 2, 3], [2, 3])).toEqual({ upTo: null, single: [2, 3] });
  });

  it('acks a lone delivery on its own', () => {
    expect(groupAcks([9], [9])).toEqual({ upTo: null, single: [9] });
  });

  it('ignores deliveries settled before (a nack already written)', () => {
    expect(groupAcks([8, 10], [8, 10])).toEqual({ upTo: 10, single: [] });
  });
});

/** A channel that records what would go to the broker, in order. */
function recordingChannel() {
  const frames: string[] = [];
  const socket: string[] = [];
  const channel = {
    connection: { stream: { cork: () => socket.push(`cork after ${frames.length}`), uncork: () => socket.push(`uncork after ${frames.length}`) } },
    ack: (message: ConsumeMessage, allUpTo = false) => frames.push(`${allUpTo ? 'ack<=' : 'ack '}${message.fields.deliveryTag}`),
    nack: (message: ConsumeMessage, _allUpTo: boolean, requeue: boolean) => frames.push(`nack ${message.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  } as unknown as Channel;
  return { channel, frames, socket };
}

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;

describe('settling the deliveries of one channel', () => {
  const coalescing = { windowMs: 5, maxWaitMs: 100, maxHeld: 8 };
  let frames: string[];
  let socket: string[];
  let settlement: ReturnType<typeof settleOn>;
  const lost: number[] = [];

  beforeEach(() => {
    vi.useFakeTimers();
    const recording = recordingChannel();
    frames = recording.frames;
    socket = recording.socket;
    settlement = settleOn(recording.channel, coalescing, (_error, message) => lost.push(message.fields.deliveryTag));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const deliver = (...tags: number[]) => tags.map((tag) => settlement.delivered(delivery(tag)));

  describe('when acks come one per turn of the event loop', () => {
    it('writes those of one window as one multiple ack, after the window', async () => {
      deliver(1, 2, 3);
      const settled = [1, 2, 3].map((tag) => settlement.settle(delivery(tag), 'ack'));
      expect(frames).toEqual([]);
      await vi.advanceTimersByTimeAsync(5);
      expect(frames).toEqual(['ack<=3']);
      await Promise.all(settled);
    });
  });

  describe('when an earlier delivery is still being handled', () => {
    it('holds the acks after it until it is settled, never covering it', async () => {
      deliver(1, 2, 3, 4);
      void settlement.settle(delivery(1), 'ack');
      void settlement.settle(delivery(3), 'ack');
      void settlement.settle(delivery(4), 'ack');
      await vi.advanceTimersByTimeAsync(20);
      // 1 alone could go, but it waits too: once 2 is settled, one frame settles them all.
      expect(frames).toEqual([]);
      void settlement.settle(delivery(2), 'ack');
      await vi.advanceTimersByTimeAsync(5);
      expect(frames).toEqual(['ack<=4']);
    });

    it('writes them one by one once they waited maxWaitMs', async () => {
      deliver(1, 2, 3);
      const held = [2, 3].map((tag) => settlement.settle(delivery(tag), 'ack'));
      await vi.advanceTimersByTimeAsync(95);
      expect(frames).toEqual([]);
      await vi.advanceTimersByTimeAsync(10);
      expect(frames).toEqual(['ack 2', 'ack 3']);
      await Promise.all(held);
    });

    it('passes over one nacked meanwhile, which is settled already', async () => {
      deliver(1, 2, 3);
      void settlement.settle(delivery(1), 'ack');
      await settlement.settle(delivery(2), 'park');
      void settlement.settle(delivery(3), 'ack');
      await vi.advanceTimersByTimeAsync(5);
      expect(frames).toEqual(['nack 2', 'ack<=3']);
    });
  });

  it('writes a full hold at once: held acks count against the prefetch', async () => {
    deliver(...Array.from({ length: 9 }, (_, index) => index));
    for (let tag = 1; tag <= 8; tag++) void settlement.settle(delivery(tag), 'ack');
    await vi.advanceTimersByTimeAsync(0);
    expect(frames).toEqual(Array.from({ length: 8 }, (_, index) => `ack ${index + 1}`));
  });

  it('corks the socket while amqplib hands it the frames of one flush, so they go out in one write', async () => {
    deliver(1, 2, 3);
    void settlement.settle(delivery(2), 'ack');
    void settlement.settle(delivery(3), 'ack');
    settlement.drain();
    expect(socket).toEqual(['cork after 0']);
    // amqplib writes to the socket from an immediate queued after the flush: still corked when that one runs.
    await vi.advanceTimersToNextTimerAsync();
    expect(socket).toEqual(['cork after 0']);
    await vi.advanceTimersToNextTimerAsync();
    expect(socket).toEqual(['cork after 0', 'uncork after 2']);
    void settlement.settle(delivery(1), 'ack');
    await vi.advanceTimersByTimeAsync(0);
    expect(frames).toEqual(['ack 2', 'ack 3', 'ack 1']);
    expect(socket).toHaveLength(2);
  });

  it('writes the acks held back at once when drained, and every later one without a window', async () => {
    deliver(1, 2, 3);
    void settlement.settle(delivery(1), 'ack');
    void settlement.settle(delivery(3), 'ack');
    settlement.drain();
    expect(frames).toEqual(['ack 1', 'ack 3']);
    void settlement.settle(delivery(2), 'ack');
    await vi.advanceTimersByTimeAsync(0);
    expect(frames).toEqual(['ack 1', 'ack 3', 'ack 2']);
    expect(lost).toEqual([]);
  });
});
