import { describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/logger';
import { type BatchPolicy, createDeliveryRunner } from './delivery-batches';
import { encodeEventMessage, type DeliveredMessage, type ReceivedEventMessage } from './event-message';
import { sampleEventMessage, sampleOrderPlaced } from './testing/order-events';

/** A placed event as the broker would deliver it. */
function deliveredPlaced(): DeliveredMessage {
  const encoded = encodeEventMessage(sampleEventMessage(sampleOrderPlaced()));
  return {
    content: encoded.content,
    properties: { messageId: encoded.options.messageId, type: encoded.options.type, headers: encoded.options.headers },
    fields: { redelivered: false },
  };
}

/** A runner with `policy`, counting the deliveries its one-message handler takes and the size of each batch; `onBatch` runs in each batch (1 for the first). */
function countingRunner(policy: Omit<BatchPolicy, 'handler'>, onBatch: (nth: number) => Promise<void> | void = () => {}) {
  const counts = { batches: [] as number[], singles: 0 };
  const run = createDeliveryRunner(
    {
      queue: 'test',
      prefetch: 16,
      logger: silentLogger,
      handler: async () => void counts.singles++,
      batch: {
        ...policy,
        handler: async (messages: readonly ReceivedEventMessage[]) => {
          counts.batches.push(messages.length);
          await onBatch(counts.batches.length);
          return { leftOver: [] };
        },
      },
    },
    new AbortController().signal,
  );
  return { run, counts };
}

describe('batches of deliveries', () => {
  it('starts the next batch at once with the deliveries that arrived while one ran, without waiting maxWaitMs again', async () => {
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    // Nothing else would start a batch of fewer than three within the test's time.
    const { run, counts } = countingRunner({ maxSize: 3, maxWaitMs: 60_000 }, (nth) => (nth === 1 ? firstHeld : undefined));
    const first = [run(deliveredPlaced()), run(deliveredPlaced()), run(deliveredPlaced())];
    await expect.poll(() => counts.batches).toEqual([3]);
    const arrivedWhileItRan = run(deliveredPlaced());
    releaseFirst();
    expect(await Promise.all(first)).toEqual(['ack', 'ack', 'ack']);
    // Handled at once (a batch of one takes the one-message path), not after another 60 s of gathering.
    expect(await arrivedWhileItRan).toBe('ack');
    expect(counts).toEqual({ batches: [3], singles: 1 });
  });

  it('hands a delivery that comes alone to the batch handler when minSize is 1', async () => {
    const { run, counts } = countingRunner({ minSize: 1 });
    expect(await run(deliveredPlaced())).toBe('ack');
    expect(counts).toEqual({ batches: [1], singles: 0 });
  });
});
