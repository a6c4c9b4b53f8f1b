import { ConflictError } from '../../shared/errors';
import { expectedVersionConflict, resolveStored, type StoredEventRef, versionMatches } from '../append-rules';
import type { AppendResult, ExpectedVersion, NewEvent } from '../event-store';

/** One caller's append, as it waits in a group commit batch. */
export interface BatchedAppend {
  streamId: string;
  events: readonly NewEvent[];
  expectedVersion: ExpectedVersion;
}

/** What one append of a batch does once the batch commits. */
export type AppendDecision =
  /** Writes its events at stream versions `firstVersion`, `firstVersion + 1`, ... */
  | { kind: 'write'; firstVersion: number; result: AppendResult }
  /** Writes nothing: every event id is stored already (or earlier in the batch), an idempotent retry. */
  | { kind: 'stored'; result: AppendResult }
  /** Writes nothing and fails with a ConflictError. */
  | { kind: 'refused'; error: ConflictError };

/**
 * Decides each append of a batch as if the appends ran one after another in queue order: each one's
 * expected version is checked against its stream's version after the earlier appends of the batch.
 *
 * `versions` are the locked streams' committed versions (a missing stream is at 0). `stored` are events
 * already in the table, which only matter where the single-append rules look for them: on a failed
 * version check, or for every append when `checkStoredFirst` (a retry after a lost race). Event ids
 * written earlier in the same batch count as stored, always: an append repeating them is a retry
 * racing its original, and writing them twice would only fail the whole batch on the unique key.
 *
 * An append that writes nothing leaves the versions as they were, so looking up `stored` for the
 * refused appends of a first plan and planning again changes no write of that first plan.
 * @example
 * const plan = planAppendBatch(batch, new Map([['order-1', 3]]), [], false);
 */
export function planAppendBatch(
  batch: readonly BatchedAppend[],
  versions: ReadonlyMap<string, number>,
  stored: readonly StoredEventRef[],
  checkStoredFirst: boolean,
): AppendDecision[] {
  const current = new Map(versions);
  const storedById = new Map(stored.map((row) => [row.event_id, row]));
  const writtenById = new Map<string, StoredEventRef>();
  return batch.map(({ streamId, events, expectedVersion }) => {
    const version = current.get(streamId) ?? 0;
    const ids = events.map((event) => event.metadata.eventId);
    const writtenEarlier = ids.some((id) => writtenById.has(id));
    const matches = versionMatches(expectedVersion, version);
    if (checkStoredFirst || writtenEarlier || !matches) {
      const refs = ids.flatMap((id) => storedById.get(id) ?? writtenById.get(id) ?? []);
      if (refs.length > 0) return decideStored(() => resolveStored(streamId, events, refs, version));
    }
    if (!matches) return { kind: 'refused', error: expectedVersionConflict(streamId, expectedVersion, version) };
    const next = version + events.length;
    current.set(streamId, next);
    ids.forEach((id, index) => writtenById.set(id, { event_id: id, stream_id: streamId, stream_version: version + index + 1 }));
    return { kind: 'write', firstVersion: version + 1, result: { nextExpectedVersion: next, alreadyStored: false } };
  });
}

function decideStored(resolve: () => AppendResult): AppendDecision {
  try {
    return { kind: 'stored', result: resolve() };
  } catch (error) {
    if (error instanceof ConflictError) return { kind: 'refused', error };
    throw error;
  }
}
