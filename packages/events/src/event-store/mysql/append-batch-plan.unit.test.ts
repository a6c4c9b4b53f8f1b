import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredEventRef } from '../append-rules';
import type { ExpectedVersion, NewEvent } from '../event-store';
import { type AppendDecision, type BatchedAppend, planAppendBatch } from './append-batch-plan';

function event(eventId: string = randomUUID()): NewEvent {
  return {
    type: 'ThingHappened',
    data: {},
    metadata: { eventId, correlationId: 'c' },
  };
}

const append = (streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion = 'any'): BatchedAppend => ({
  streamId,
  events,
  expectedVersion,
});

/** Each decision as one comparable line: `write 3..4`, `stored 4`, `refused at 2`. */
const summary = (decisions: AppendDecision[]) =>
  decisions.map((decision) =>
    decision.kind === 'write'
      ? `write ${decision.firstVersion}..${decision.result.nextExpectedVersion}`
      : decision.kind === 'stored'
        ? `stored ${decision.result.nextExpectedVersion}`
        : `refused at ${decision.error.currentVersion}`,
  );

describe('append batch plan', () => {
  it('checks each append against its stream as the earlier appends of the batch leave it', () => {
    const batch = [
      append('a', [event(), event()], 3),
      append('a', [event()], 5),
      append('a', [event()], 3),
      append('b', [event()], 'no_stream'),
      append('b', [event()], 'stream_exists'),
      append('c', [event()], 'stream_exists'),
    ];
    expect(summary(planAppendBatch(batch, new Map([['a', 3]]), [], false))).toEqual([
      'write 4..5',
      'write 6..6',
      'refused at 6',
      'write 1..1',
      'write 2..2',
      'refused at 0',
    ]);
  });

  it('reads a repeat of event ids written earlier in the batch as a retry in the same stream, a conflict elsewhere', () => {
    const [first, second] = [event(), event()];
    const batch = [
      append('a', [first!, second!], 'no_stream'),
      append('a', [first!, second!], 'no_stream'),
      append('a', [first!, second!]),
      append('b', [first!]),
      append('a', [second!, event()]),
    ];
    expect(summary(planAppendBatch(batch, new Map(), [], false))).toEqual(['write 1..2', 'stored 2', 'stored 2', 'refused at 0', 'refused at 2']);
  });

  it('consults stored events only for a failed check, unless asked to check every append', () => {
    const stored = event();
    const refs: StoredEventRef[] = [{ event_id: stored.metadata.eventId, stream_id: 'a', stream_version: 2 }];
    const batch = [append('a', [stored], 2), append('a', [stored], 0)];
    expect(summary(planAppendBatch(batch, new Map([['a', 2]]), refs, false))).toEqual(['write 3..3', 'stored 2']);
    expect(summary(planAppendBatch(batch, new Map([['a', 2]]), refs, true))).toEqual(['stored 2', 'stored 2']);
  });

  it('refuses an append that repeats stored ids of another stream or only some of its own', () => {
    const stored = event();
    const refs: StoredEventRef[] = [{ event_id: stored.metadata.eventId, stream_id: 'a', stream_version: 1 }];
    const batch = [append('b', [stored], 'no_stream'), append('a', [stored, event()], 0)];
    const decisions = planAppendBatch(batch, new Map([['a', 1]]), refs, true);
    expect(summary(decisions)).toEqual(['refused at 0', 'refused at 1']);
  });
});
