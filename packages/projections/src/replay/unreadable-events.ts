import { orderIdFromStreamId, parseRecordedOrderEvent, UnreadableEventError, type OrderEvent, type RecordedEvent } from '@delivery/events';

/** A stored event a replay left out, and why: unreadable itself, or behind an unreadable event of its order. */
export interface SkippedEvent {
  globalPosition: bigint;
  streamId: string;
  streamVersion: number;
  eventType: string;
  reason: string;
}

/**
 * What a replay does with stored events it cannot read. By default it stops at the first one with an
 * `UnreadableEventError` naming its position, stream and reason (nothing is switched in; the rebuild
 * resumes from its last checkpoint once the event is fixed). With `skip`, it leaves the event out and
 * every later event of the same order too (they cannot be folded over the gap, so that order stays where
 * its readable events take it), and reports each one in `skipped`.
 */
export class UnreadableEvents {
  readonly skipped: SkippedEvent[] = [];
  private readonly brokenOrders = new Set<string>();

  constructor(private readonly skip: boolean) {}

  /**
   * The event parsed, or null when it is skipped.
   * @throws UnreadableEventError when it cannot be read and skipping was not asked for.
   */
  parse(recorded: RecordedEvent): OrderEvent | null {
    const orderId = orderIdFromStreamId(recorded.streamId);
    if (this.brokenOrders.has(orderId)) {
      this.record(recorded, 'follows an unreadable event of the same order');
      return null;
    }
    try {
      return parseRecordedOrderEvent(recorded);
    } catch (error) {
      if (!this.skip || !(error instanceof UnreadableEventError)) throw error;
      this.brokenOrders.add(orderId);
      this.record(recorded, error.reason);
      return null;
    }
  }

  /** True once an event of the order was skipped: its row must not move past it. */
  isBroken(orderId: string): boolean {
    return this.brokenOrders.has(orderId);
  }

  private record(recorded: RecordedEvent, reason: string): void {
    const { globalPosition, streamId, streamVersion } = recorded;
    this.skipped.push({ globalPosition, streamId, streamVersion, eventType: recorded.event.type, reason });
  }
}
