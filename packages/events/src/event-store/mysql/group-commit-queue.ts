/** What the queue needs to know of a waiting item to put it in a batch. */
export interface GroupCommitItem {
  streamId: string;
  eventCount: number;
}

export interface GroupCommitQueueOptions<T extends GroupCommitItem> {
  /** Runs one batch in one transaction. It settles each item's caller itself; a rejection is a bug. */
  commit(batch: T[]): Promise<void>;
  /** Batches running at once, each on a connection of its own. */
  maxBatches: number;
  /** A batch takes waiting items up to this many events (always at least one item). */
  maxEventsPerBatch: number;
}

/**
 * Group commit: items pushed while batches run wait, and the next batch takes all of them (up to its
 * size), so that many appends share one transaction and one log flush.
 *
 * - Items pushed in one tick start together: a batch starts on the microtask after the first push.
 * - A stream is in at most one running batch: an item whose stream is busy waits for the next batch,
 *   so batches of one process never race each other for a stream row, and a stream's items run in
 *   the order they were pushed.
 * - Up to `maxBatches` run at once, so one slow batch (waiting on a lock) holds up only its own items.
 * @example
 * const push = createGroupCommitQueue({ commit: (batch) => commitBatch(batch), maxBatches: 2, maxEventsPerBatch: 500 });
 * push({ streamId: 'order-42', eventCount: 1, ... });
 */
export function createGroupCommitQueue<T extends GroupCommitItem>(options: GroupCommitQueueOptions<T>): (item: T) => void {
  let waiting: T[] = [];
  const busyStreams = new Set<string>();
  let running = 0;
  let scheduled = false;

  function startBatches(): void {
    scheduled = false;
    while (running < options.maxBatches) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      running++;
      for (const item of batch) busyStreams.add(item.streamId);
      void options.commit(batch).finally(() => {
        running--;
        for (const item of batch) busyStreams.delete(item.streamId);
        schedule();
      });
    }
  }

  function takeBatch(): T[] {
    const batch: T[] = [];
    const left: T[] = [];
    let events = 0;
    let full = false;
    for (const item of waiting) {
      // Once full, every later item stays, so each stream's items keep their order.
      full ||= batch.length > 0 && events + item.eventCount > options.maxEventsPerBatch;
      if (full || busyStreams.has(item.streamId)) {
        left.push(item);
        continue;
      }
      batch.push(item);
      events += item.eventCount;
    }
    waiting = left;
    return batch;
  }

  function schedule(): void {
    if (scheduled || waiting.length === 0) return;
    scheduled = true;
    queueMicrotask(startBatches);
  }

  return (item) => {
    waiting.push(item);
    schedule();
  };
}
