import { describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/logger';
import { createDeliveryRunner } from './delivery-batches';
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

describe('batches of deliveries', () => {
  it('starts the next batch at once with the deliveries that arrived while one ran, without waiting maxWaitMs again', async () => {
    const batches: number[] = [];
    let singles = 0;
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const run = createDeliveryRunner(
      {
        queue: 'test',
        prefetch: 16,
        logger: silentLogger,
        handler: async () => void singles++,
        batch: {
          // Nothing else would start a batch of fewer than three within the test's time.
          maxSize: 3,
          maxWaitMs: 60_000,
          handler: async (messages: readonly ReceivedEventMessage[]) => {
            batches.push(messages.length);
            if (batches.length === 1) await firstHeld;
            return { leftOver: [] };
          },
        },
      },
      new AbortController().signal,
    );
    const first = [run(deliveredPlaced()), run(deliveredPlaced()), run(deliveredPlaced())];
    await expect.poll(() => batches).toEqual([3]);
    const arrivedWhileItRan = run(deliveredPlaced());
    releaseFirst();
    expect(await Promise.all(first)).toEqual(['ack', 'ack', 'ack']);
    // Handled at once (a batch of one takes the one-message path), not after another 60 s of gathering.
    expect(await arrivedWhileItRan).toBe('ack');
    expect({ batches, singles }).toEqual({ batches: [3], singles: 1 });
  });

  it('hands a delivery that comes alone to the batch handler when minSize is 1', async () => {
    const batches: number[] = [];
    let singles = 0;
    const run = createDeliveryRunner(
      {
        queue: 'test',
        prefetch: 16,
        logger: silentLogger,
        handler: async () => void singles++,
        batch: {
          minSize: 1,
          handler: async (messages: readonly ReceivedEventMessage[]) => {
            batches.push(messages.length);
            return { leftOver: [] };
          },
        },
      },
      new AbortController().signal,
    );
    expect(await run(deliveredPlaced())).toBe('ack');
    expect({ batches, singles }).toEqual({ batches: [1], singles: 0 });
  });
});
