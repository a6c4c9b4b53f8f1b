import { describe, expect, it } from 'vitest';
import { createGroupCommitQueue, type GroupCommitItem } from './group-commit-queue';

interface Item extends GroupCommitItem {
  name: string;
}

/** A queue whose batches stay running until the test finishes them, recording what each took. */
function harness(options: { maxBatches: number; maxEventsPerBatch?: number }) {
  const batches: string[][] = [];
  const finishers: (() => void)[] = [];
  const push = createGroupCommitQueue<Item>({
    maxBatches: options.maxBatches,
    maxEventsPerBatch: options.maxEventsPerBatch ?? 100,
    commit(batch) {
      batches.push(batch.map((item) => item.name));
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
  });
  const item = (name: string, streamId = name, eventCount = 1) => push({ name, streamId, eventCount });
  const finish = async (index: number) => {
    finishers[index]!();
    // Let the finished batch's bookkeeping and the next batch's start run.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, item, finish, settle: () => new Promise((resolve) => setImmediate(resolve)) };
}

describe('group commit queue', () => {
  it('starts the items of one tick as one batch, and the items pushed meanwhile as the next', async () => {
    const queue = harness({ maxBatches: 1 });
    queue.item('a');
    queue.item('b');
    await queue.settle();
    queue.item('c');
    queue.item('d');
    await queue.settle();
    expect(queue.batches).toEqual([['a', 'b']]);
    await queue.finish(0);
    expect(queue.batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('runs up to maxBatches at once', async () => {
    const queue = harness({ maxBatches: 2 });
    queue.item('a');
    await queue.settle();
    queue.item('b');
    await queue.settle();
    queue.item('c');
    await queue.settle();
    expect(queue.batches).toEqual([['a'], ['b']]);
    await queue.finish(1);
    expect(queue.batches).toEqual([['a'], ['b'], ['c']]);
  });

  it('keeps a stream out of a second running batch, in order, while other streams go ahead', async () => {
    const queue = harness({ maxBatches: 2 });
    queue.item('s1', 's');
    await queue.settle();
    queue.item('s2', 's');
    queue.item('t1', 't');
    queue.item('s3', 's');
    await queue.settle();
    expect(queue.batches).toEqual([['s1'], ['t1']]);
    await queue.finish(0);
    expect(queue.batches.at(-1)).toEqual(['s2', 's3']);
  });

  it('fills a batch up to maxEventsPerBatch, leaving the rest in order, and lets a larger item go alone', async () => {
    const queue = harness({ maxBatches: 1, maxEventsPerBatch: 4 });
    queue.item('big', 'x', 9);
    queue.item('a', 'a', 2);
    queue.item('b', 'b', 2);
    queue.item('c', 'c', 1);
    queue.item('d', 'd', 1);
    await queue.settle();
    await queue.finish(0);
    await queue.finish(1);
    expect(queue.batches).toEqual([['big'], ['a', 'b'], ['c', 'd']]);
  });
});
