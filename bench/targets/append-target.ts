import type { NewEvent } from '@delivery/events';
import type { ServerCounters } from '../lib/server-counters.repository';

/**
 * Something that appends order events: our event stores, the raw-insert baseline, or a peer store.
 * Each target owns a throwaway database, created by its factory (through `openTargetDatabase`) and
 * dropped by `close()`. Factories live in `*.target.ts` files beside this one.
 */
export interface AppendTarget {
  subject: string;
  /** The throwaway database's name: the statement trace counts this target's statements by it. */
  database: string;
  /** Appends the first event of a stream that does not exist yet. */
  appendNew(streamId: string, event: NewEvent): Promise<void>;
  /** Appends one event to a stream whose current version is `version`. */
  appendExisting(streamId: string, event: NewEvent, version: number): Promise<void>;
  /** What the target saw beyond the figures (e.g. retried lock races), for the row's note. */
  diagnostics?(): string | undefined;
  /** The server's global counters (log flushes, lock waits), read before and after each round. */
  serverCounters(): Promise<ServerCounters>;
  close(): Promise<void>;
}

export type AppendTargetFactory = (options: { poolSize: number }) => Promise<AppendTarget>;
