import { ConflictError, ValidationError } from '../shared/errors';
import type { AppendResult, ExpectedVersion, NewEvent } from './event-store';

/* The backend-independent rules of an append, shared by the MySQL and PostgreSQL stores. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function versionMatches(expected: ExpectedVersion, current: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 0;
    case 'stream_exists':
      return current > 0;
    default:
      return current === expected;
  }
}

export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  if (!versionMatches(expected, current)) throw expectedVersionConflict(streamId, expected, current);
}

/** The error of an append whose expected version does not hold. */
export function expectedVersionConflict(streamId: string, expected: ExpectedVersion, current: number): ConflictError {
  const wanted = expected === 'no_stream' ? 'no stream' : expected === 'stream_exists' ? 'an existing stream' : `version ${expected}`;
  return new ConflictError(`stream ${streamId} is at version ${current}; expected ${wanted}`, current);
}

/** Refuses what the database would reject with a raw driver error (or store wrongly). */
export function validateAppend(
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedVersion,
  limits: { maxEvents: number } = { maxEvents: Number.MAX_SAFE_INTEGER },
): void {
  if (streamId.length === 0 || streamId.length > 200) throw new ValidationError('streamId', 'must be 1 to 200 characters');
  // PostgreSQL text cannot hold NUL; the JSON columns are safe because JSON.stringify escapes it.
  if (streamId.includes('\0')) throw new ValidationError('streamId', 'must not contain NUL');
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new ValidationError('expectedVersion', 'must be a non-negative integer');
  }
  if (events.length > limits.maxEvents) throw new ValidationError('events', `at most ${limits.maxEvents} per append`);
  const ids = new Set<string>();
  events.forEach((event, index) => {
    if (event.type.length === 0 || event.type.length > 100 || event.type.includes('\0')) {
      throw new ValidationError(`events[${index}].type`, 'must be 1 to 100 characters, without NUL');
    }
    if (!UUID.test(event.metadata.eventId)) throw new ValidationError(`events[${index}].metadata.eventId`, 'must be a UUID');
    if (event.metadata.correlationId.length > 200 || event.metadata.correlationId.includes('\0')) {
      throw new ValidationError(`events[${index}].metadata.correlationId`, 'must be at most 200 characters, without NUL');
    }
    if (ids.has(event.metadata.eventId)) throw new ValidationError(`events[${index}].metadata.eventId`, 'is repeated');
    ids.add(event.metadata.eventId);
  });
}

export interface StoredEventRef {
  event_id: string;
  stream_id: string;
  stream_version: number;
}

/**
 * An append some of whose event ids are stored already: an idempotent retry when all of them are,
 * in this stream; otherwise a conflict.
 */
export function resolveStored(streamId: string, events: readonly NewEvent[], stored: readonly StoredEventRef[], current: number): AppendResult {
  const wholeAppend = stored.length === events.length && stored.every((row) => row.stream_id === streamId);
  if (!wholeAppend) {
    const ids = stored.map((row) => row.event_id).join(', ');
    throw new ConflictError(`event ids already stored elsewhere or in part: ${ids}`, current);
  }
  // The earlier, committed attempt's own result, so a retry sees what the first call would have.
  return { nextExpectedVersion: Math.max(...stored.map((row) => Number(row.stream_version))), alreadyStored: true };
}
