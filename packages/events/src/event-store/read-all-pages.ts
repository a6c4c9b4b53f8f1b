import type { EventStore, ReadAllResult } from './event-store';

/**
 * `streamAll` made of `readAll` pages, one page read ahead while the consumer works on the last: for a
 * store whose client cannot stream a result (and for wrappers of a store in tests).
 * @example const streamAll = (from: bigint, size: number) => readAllPages(readAll, from, size);
 */
export async function* readAllPages(readAll: EventStore['readAll'], fromPosition: bigint, pageSize: number): AsyncGenerator<ReadAllResult> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`invalid page size: ${pageSize}`);
  // A read that fails while nobody awaits it must not count as unhandled: it is awaited next.
  const ahead = (from: bigint) => {
    const reading = readAll(from, pageSize);
    reading.catch(() => {});
    return reading;
  };
  let reading = ahead(fromPosition);
  try {
    for (;;) {
      const page = await reading;
      if (page.events.length === 0) return;
      reading = ahead(page.nextPosition);
      yield page;
    }
  } finally {
    // Leave no read running behind a consumer that stopped early.
    await reading.catch(() => {});
  }
}
