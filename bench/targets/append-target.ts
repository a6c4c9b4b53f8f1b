import type { NewEvent } from '@delivery/events';

/**
 * Something that appends order events: our event store, the raw-insert baseline, or a peer store.
 * Each target owns a throwaway database, created by its factory and dropped by `close()`.
 */
export interface AppendTarget {
  subject: string;
  /** Appends the first event of a stream that does not exist yet. */
  appendNew(streamId: string, event: NewEvent): Promise<void>;
  /** Appends one event to a stream whose current version is `version`. */
  appendExisting(streamId: string, event: NewEvent, version: number): Promise<void>;
  /** What the target saw beyond the figures (e.g. retried lock races), for the row's note. */
  diagnostics?(): string | undefined;
  close(): Promise<void>;
}

export type AppendTargetFactory = (options: { poolSize: number }) => Promise<AppendTarget>;
