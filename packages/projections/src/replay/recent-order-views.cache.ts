import type { OrderViewRow } from '../order-view/order-view.table';

/**
 * The rows a replay wrote last, so the next batch folds on from them instead of reading them back.
 *
 * Any row here is a pure fold of its stream's first `version` events, so folding on from it gives the
 * same row as folding on from the table's (a newer stored row wins at the guarded upsert anyway). What
 * matters is that the rows of the batch still being written are here while the next batch is projected:
 * the table does not show them until that write commits. Two generations bound the memory: a full one
 * is set aside whole after a `remember`, and dropped at the next rotation, by which time the writer
 * (one batch at a time) has committed it.
 */
export class RecentOrderViews {
  private current = new Map<string, OrderViewRow>();
  private previous = new Map<string, OrderViewRow>();

  /** @param capacity rows per generation; at least one batch's worth, more saves reads of older orders. */
  constructor(private readonly capacity: number) {}

  get(orderId: string): OrderViewRow | undefined {
    return this.current.get(orderId) ?? this.previous.get(orderId);
  }

  /** Records the rows a batch is about to write (call before writing them). */
  remember(rows: readonly OrderViewRow[]): void {
    for (const row of rows) this.current.set(row.orderId, row);
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
