import { z } from 'zod';

/**
 * What the store reads of an event's metadata: the event id (an append's idempotency, the outbox) and the
 * correlation id (the outbox). A writer's metadata extends it; the store keeps the rest as it is given.
 */
export const StoredEventMetadata = z.object({
  eventId: z.uuid(),
  correlationId: z.string().min(1),
});
export type StoredEventMetadata = z.infer<typeof StoredEventMetadata>;

/** An event as a command produces it, before the store gives it a place. */
export interface NewEvent {
  type: string;
  data: unknown;
  metadata: StoredEventMetadata;
}

/** An event as read back: its stream version (1-based) and its global position in `readAll` order. */
export interface RecordedEvent<E extends NewEvent = NewEvent> {
  streamId: string;
  streamVersion: number;
  globalPosition: bigint;
  event: E;
}

/**
 * The four expected-version modes of an append:
 * - `'any'`: no check;
 * - `'no_stream'`: the stream must not exist yet (version 0);
 * - `'stream_exists'`: the stream must have at least one event;
 * - a number: the stream's current version must equal it exactly.
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** The stream's version after the append: pass it as `expectedVersion` to the next one. */
  nextExpectedVersion: number;
  /** True when every event id was already stored, so nothing was written (an idempotent retry). */
  alreadyStored: boolean;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Pass back as `fromPosition` to continue; equal to the input when nothing new is visible. */
  nextPosition: bigint;
}

export interface EventStore {
  /**
   * Appends events to one stream atomically, writing their outbox rows in the same transaction.
   * @throws ConflictError (with `currentVersion`) when `expectedVersion` does not hold.
   * @example
   * const { nextExpectedVersion } = await store.appendToStream('order-42', [placed], { expectedVersion: 'no_stream' });
   */
  appendToStream(streamId: string, events: readonly NewEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<AppendResult>;

  /**
   * Reads one stream in version order.
   * @example const events = await store.readStream('order-42');
   */
  readStream(streamId: string, options?: { fromVersion?: number; maxCount?: number }): Promise<RecordedEvent[]>;

  /**
   * Reads every stream in global order, after `fromPosition` (exclusive), never skipping an event
   * that commits late.
   * @example
   * let position = 0n;
   * for (;;) { const page = await store.readAll(position, 500); if (!page.events.length) break; position = page.nextPosition; }
   */
  readAll(fromPosition: bigint, batchSize: number): Promise<ReadAllResult>;

  /**
   * `readAll` to the end in one go: the events after `fromPosition` in chunks of at most `chunkSize`
   * (each chunk's `nextPosition` is its last event's), until a read finds nothing more, with the same
   * guarantee against late commits. Reads ahead of the consumer only a few chunks: a slow consumer
   * holds the read back. Stopping early (`break`) releases what the read holds.
   * @example for await (const chunk of store.streamAll(checkpoint, 1000)) await project(chunk.events);
   */
  streamAll(fromPosition: bigint, chunkSize: number): AsyncIterable<ReadAllResult>;
}
