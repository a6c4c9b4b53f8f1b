import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxRow } from '../outbox/outbox.table';
import type { Clock } from '../shared/clock';
import { ConflictError } from '../shared/errors';
import type { AppendResult, EventStore, ExpectedVersion, NewEvent, ReadAllResult, RecordedEvent } from './event-store';

/** What the contract needs from a backend besides the store itself. */
export interface EventStoreHarness {
  store: EventStore;
  /**
   * A second store over the same tables with a connection pool of its own, as another process would
   * hold: the concurrency cases spread their appends over both. Without it they use `store` alone.
   */
  otherStore?: EventStore;
  /** The event ids of a stream's outbox rows, in outbox order. */
  outboxEventIds(streamId: string): Promise<string[]>;
  /** A store over the same tables whose time is `clock`'s (the outbox row's created_at). */
  storeWithClock(clock: Clock): EventStore;
  /** The outbox row of one event, as the database keeps it. */
  outboxRow(eventId: string): Promise<OutboxRow>;
  teardown(): Promise<void>;
}

const newStreamId = () => `contract-${randomUUID()}`;

function newEvent(type = 'ThingHappened', data: unknown = { n: 1 }): NewEvent {
  return {
    type,
    data,
    metadata: { eventId: randomUUID(), correlationId: randomUUID() },
  };
}

const events = (count: number) => Array.from({ length: count }, (_, n) => newEvent('ThingHappened', { n }));

async function conflictOf(promise: Promise<unknown>): Promise<ConflictError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConflictError);
  return error as ConflictError;
}

/**
 * The behaviour every EventStore backend must show, run against a real database:
 * `eventStoreContract('MySQL', async () => ({ store, outboxEventIds, teardown }))` in a `*.int.test.ts`.
 */
export function eventStoreContract(name: string, makeHarness: () => Promise<EventStoreHarness>): void {
  describe(`${name} event store contract`, () => {
    let harness: EventStoreHarness;
    const store = () => harness.store;
    /** Every other caller appends through the other store, when there is one. */
    const storeOf = (caller: number) => (caller % 2 === 1 && harness.otherStore) || harness.store;

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterAll(async () => {
      await harness?.teardown();
    });

    describe('appending with an expected version', () => {
      it('creates a stream under no_stream and numbers its events from 1', async () => {
        const streamId = newStreamId();
        const appended = events(3);
        const result = await store().appendToStream(streamId, appended, { expectedVersion: 'no_stream' });
        expect(result).toEqual({ nextExpectedVersion: 3, alreadyStored: false });
        const read = await store().readStream(streamId);
        expect(read.map((entry) => entry.streamVersion)).toEqual([1, 2, 3]);
        expect(read.map((entry) => entry.event)).toEqual(appended);
      });

      it('refuses no_stream on an existing stream, reporting its version', async () => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(2));
        const conflict = await conflictOf(store().appendToStream(streamId, events(1), { expectedVersion: 'no_stream' }));
        expect(conflict.currentVersion).toBe(2);
      });

      it('refuses stream_exists on a missing stream, reporting version 0', async () => {
        const conflict = await conflictOf(store().appendToStream(newStreamId(), events(1), { expectedVersion: 'stream_exists' }));
        expect(conflict.currentVersion).toBe(0);
      });

      it('appends under stream_exists to an existing stream', async () => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(1));
        const result = await store().appendToStream(streamId, events(1), { expectedVersion: 'stream_exists' });
        expect(result.nextExpectedVersion).toBe(2);
      });

      it('appends at the exact current version, 0 meaning a new stream', async () => {
        const streamId = newStreamId();
        expect((await store().appendToStream(streamId, events(1), { expectedVersion: 0 })).nextExpectedVersion).toBe(1);
        expect((await store().appendToStream(streamId, events(2), { expectedVersion: 1 })).nextExpectedVersion).toBe(3);
      });

      it.each([0, 1, 3])('refuses the stale exact version %i, reporting the actual one', async (stale) => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(2));
        const conflict = await conflictOf(store().appendToStream(streamId, events(1), { expectedVersion: stale }));
        expect(conflict.currentVersion).toBe(2);
        expect(await store().readStream(streamId)).toHaveLength(2);
      });

      it('appends under any, the default, whatever the version', async () => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(1), { expectedVersion: 'any' });
        const result = await store().appendToStream(streamId, events(1));
        expect(result.nextExpectedVersion).toBe(2);
      });
    });

    describe('appending concurrently', () => {
      it('lets exactly one of 50 appends at one expected version win; 49 conflict with the winner’s version', async () => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(1));
        const attempts = await Promise.allSettled(
          Array.from({ length: 50 }, (_, caller) => storeOf(caller).appendToStream(streamId, events(2), { expectedVersion: 1 })),
        );
        const winners = attempts.filter((attempt) => attempt.status === 'fulfilled');
        const losers = attempts.flatMap((attempt) => (attempt.status === 'rejected' ? [attempt.reason as unknown] : []));
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(49);
        for (const loser of losers) {
          expect(loser).toBeInstanceOf(ConflictError);
          expect((loser as ConflictError).currentVersion).toBe(3);
        }
        expect((await store().readStream(streamId)).map((entry) => entry.streamVersion)).toEqual([1, 2, 3]);
      });

      it('lets exactly one of 50 creators of one stream win under no_stream', async () => {
        const streamId = newStreamId();
        const attempts = await Promise.allSettled(
          Array.from({ length: 50 }, (_, caller) => storeOf(caller).appendToStream(streamId, events(1), { expectedVersion: 'no_stream' })),
        );
        expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
        for (const attempt of attempts) {
          if (attempt.status === 'rejected') expect(attempt.reason).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
        }
        expect(await store().readStream(streamId)).toHaveLength(1);
      });

      it('serialises concurrent appends under any into versions 1..n with no gaps', async () => {
        const streamId = newStreamId();
        const results = await Promise.all(Array.from({ length: 20 }, (_, caller) => storeOf(caller).appendToStream(streamId, events(1))));
        expect(results.map((result) => result.nextExpectedVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
        expect((await store().readStream(streamId)).map((entry) => entry.streamVersion)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      });
    });

    describe('appending at the same moment (one group commit where the backend batches)', () => {
      it('refuses only the append whose expected version fails; the others commit with their outbox rows', async () => {
        const [created, moved, stale, again] = [newStreamId(), newStreamId(), newStreamId(), newStreamId()];
        await store().appendToStream(moved, events(1));
        await store().appendToStream(stale, events(2));
        const [createdEvents, movedEvents, staleEvents, againEvents] = [events(2), events(1), events(1), events(1)];
        const attempts = await Promise.allSettled([
          store().appendToStream(created, createdEvents, { expectedVersion: 'no_stream' }),
          store().appendToStream(moved, movedEvents, { expectedVersion: 1 }),
          store().appendToStream(stale, staleEvents, { expectedVersion: 1 }),
          store().appendToStream(again, againEvents, { expectedVersion: 'stream_exists' }),
        ]);
        expect(attempts.map((attempt) => attempt.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
        expect(attempts[0]).toMatchObject({ value: { nextExpectedVersion: 2, alreadyStored: false } });
        expect(attempts[1]).toMatchObject({ value: { nextExpectedVersion: 2, alreadyStored: false } });
        expect(attempts[2]).toMatchObject({ reason: { code: 'CONFLICT', currentVersion: 2 } });
        expect(attempts[3]).toMatchObject({ reason: { code: 'CONFLICT', currentVersion: 0 } });
        expect(await harness.outboxEventIds(created)).toEqual(createdEvents.map((event) => event.metadata.eventId));
        expect((await harness.outboxEventIds(moved)).slice(1)).toEqual(movedEvents.map((event) => event.metadata.eventId));
        expect(await harness.outboxEventIds(stale)).toHaveLength(2);
        expect(await store().readStream(again)).toEqual([]);
        expect(await harness.outboxEventIds(again)).toEqual([]);
      });

      it('stores an event id that two appends to different streams repeat once, refusing the second', async () => {
        const [first, second] = [newStreamId(), newStreamId()];
        const shared = newEvent();
        const attempts = await Promise.allSettled([store().appendToStream(first, [shared]), store().appendToStream(second, [shared])]);
        expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
        const refused = attempts.find((attempt) => attempt.status === 'rejected');
        expect(refused).toMatchObject({ reason: { code: 'CONFLICT' } });
        const stored = [...(await store().readStream(first)), ...(await store().readStream(second))];
        expect(stored.map((entry) => entry.event.metadata.eventId)).toEqual([shared.metadata.eventId]);
        expect([...(await harness.outboxEventIds(first)), ...(await harness.outboxEventIds(second))]).toHaveLength(1);
      });

      it('fails only the append whose data cannot be stored; the others commit', async () => {
        const [good, bad, alsoGood] = [newStreamId(), newStreamId(), newStreamId()];
        const attempts = await Promise.allSettled([
          store().appendToStream(good, events(1)),
          store().appendToStream(bad, [newEvent('ThingHappened', { n: 1n })]),
          store().appendToStream(alsoGood, events(1)),
        ]);
        expect(attempts.map((attempt) => attempt.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(attempts[1]).toMatchObject({ reason: expect.any(TypeError) });
        expect(await store().readStream(bad)).toEqual([]);
        expect(await store().readStream(good)).toHaveLength(1);
        expect(await harness.outboxEventIds(alsoGood)).toHaveLength(1);
      });
    });

    describe('retrying an append whose events are already stored', () => {
      it.each<ExpectedVersion>(['no_stream', 0, 'any', 'stream_exists'])(
        'writes nothing twice under %s and reports the first result',
        async (expectedVersion) => {
          const streamId = newStreamId();
          if (expectedVersion === 'stream_exists') await store().appendToStream(streamId, events(1));
          const before = (await store().readStream(streamId)).length;
          const appended = events(2);
          const first = await store().appendToStream(streamId, appended, { expectedVersion });
          const retry = await store().appendToStream(streamId, appended, { expectedVersion });
          expect(first).toEqual({ nextExpectedVersion: before + 2, alreadyStored: false });
          expect(retry).toEqual({ nextExpectedVersion: before + 2, alreadyStored: true });
          expect(await store().readStream(streamId)).toHaveLength(before + 2);
          const outboxIds = await harness.outboxEventIds(streamId);
          expect(outboxIds.slice(before)).toEqual(appended.map((event) => event.metadata.eventId));
        },
      );

      it('stores a retry racing its original exactly once', async () => {
        const streamId = newStreamId();
        const appended = events(2);
        const results = await Promise.all(Array.from({ length: 8 }, (_, caller) => storeOf(caller).appendToStream(streamId, appended)));
        expect(results.filter((result: AppendResult) => !result.alreadyStored)).toHaveLength(1);
        expect(results.every((result) => result.nextExpectedVersion === 2)).toBe(true);
        expect(await store().readStream(streamId)).toHaveLength(2);
        expect(await harness.outboxEventIds(streamId)).toHaveLength(2);
      });

      it('refuses an append that repeats only some stored event ids', async () => {
        const streamId = newStreamId();
        const [stored, fresh] = [newEvent(), newEvent()];
        await store().appendToStream(streamId, [stored!]);
        await conflictOf(store().appendToStream(streamId, [stored!, fresh!]));
        expect(await store().readStream(streamId)).toHaveLength(1);
      });

      it('refuses to store an event id already stored in another stream', async () => {
        const event = newEvent();
        await store().appendToStream(newStreamId(), [event]);
        const other = newStreamId();
        await conflictOf(store().appendToStream(other, [event]));
        expect(await store().readStream(other)).toHaveLength(0);
      });
    });

    describe('the outbox', () => {
      it('gets one row per appended event, in stream order, with the events', async () => {
        const streamId = newStreamId();
        const first = events(2);
        const second = events(1);
        await store().appendToStream(streamId, first);
        await store().appendToStream(streamId, second);
        expect(await harness.outboxEventIds(streamId)).toEqual([...first, ...second].map((event) => event.metadata.eventId));
      });

      it('writes the whole event, its place and its correlation id into the outbox', async () => {
        const recordedAt = new Date('2025-03-04T05:06:07.890Z');
        const event = newEvent('ThingHappened', { thingId: randomUUID(), parts: [{ n: 3, note: 'nested' }] });
        const streamId = newStreamId();
        await harness.storeWithClock({ now: () => recordedAt }).appendToStream(streamId, [event]);
        const row = await harness.outboxRow(event.metadata.eventId);
        expect(row).toMatchObject({
          stream_id: streamId,
          stream_version: 1,
          event_type: 'ThingHappened',
          correlation_id: event.metadata.correlationId,
          created_at: recordedAt,
          published_at: null,
          attempts: 0,
          last_error: null,
        });
        expect(JSON.parse(row.payload)).toEqual(event);
      });

      it('gets no row when the append conflicts', async () => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(1));
        await conflictOf(store().appendToStream(streamId, events(2), { expectedVersion: 'no_stream' }));
        expect(await harness.outboxEventIds(streamId)).toHaveLength(1);
      });
    });

    describe('reading', () => {
      it('reads a stream from a version, at most a count of events', async () => {
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(5));
        const page = await store().readStream(streamId, { fromVersion: 2, maxCount: 3 });
        expect(page.map((entry) => entry.streamVersion)).toEqual([2, 3, 4]);
      });

      it('reads a missing stream as empty', async () => {
        expect(await store().readStream(newStreamId())).toEqual([]);
      });

      it('reads all streams in increasing global position, page by page', async () => {
        const head = await readToEnd(store(), 0n);
        const [a, b] = [newStreamId(), newStreamId()];
        await store().appendToStream(a, events(2));
        await store().appendToStream(b, events(1));
        await store().appendToStream(a, events(1));
        const first = await store().readAll(head.position, 2);
        expect(first.events.map((entry) => [entry.streamId, entry.streamVersion])).toEqual([
          [a, 1],
          [a, 2],
        ]);
        expect(first.nextPosition).toBe(first.events[1]!.globalPosition);
        const rest = await store().readAll(first.nextPosition, 10);
        expect(rest.events.map((entry) => [entry.streamId, entry.streamVersion])).toEqual([
          [b, 1],
          [a, 3],
        ]);
        const end = await store().readAll(rest.nextPosition, 10);
        expect(end).toEqual({ events: [], nextPosition: rest.nextPosition });
      });

      it('streams all streams after a position in chunks, the events readAll pages give', async () => {
        const head = await readToEnd(store(), 0n);
        await store().appendToStream(newStreamId(), events(3));
        await store().appendToStream(newStreamId(), events(2));
        const chunks: ReadAllResult[] = [];
        for await (const chunk of store().streamAll(head.position, 2)) chunks.push(chunk);
        expect(chunks.map((chunk) => chunk.events.length)).toEqual([2, 2, 1]);
        for (const chunk of chunks) expect(chunk.nextPosition).toBe(chunk.events.at(-1)!.globalPosition);
        expect(chunks.flatMap((chunk) => chunk.events)).toEqual((await readToEnd(store(), head.position)).events);
      });

      it('streams on into what is appended while it reads, to the end', async () => {
        const head = await readToEnd(store(), 0n);
        const streamId = newStreamId();
        await store().appendToStream(streamId, events(2));
        const versions: number[] = [];
        for await (const chunk of store().streamAll(head.position, 1)) {
          versions.push(...chunk.events.map((entry) => entry.streamVersion));
          if (versions.length === 1) await store().appendToStream(streamId, events(2));
        }
        expect(versions).toEqual([1, 2, 3, 4]);
      });

      it('lets a reader stop streaming early, more often than a pool has connections, and read on', async () => {
        await store().appendToStream(newStreamId(), events(3));
        for (let stop = 0; stop < 12; stop++) {
          for await (const chunk of store().streamAll(0n, 1)) {
            expect(chunk.events).toHaveLength(1);
            break;
          }
        }
        expect((await store().readAll(0n, 1)).events).toHaveLength(1);
      });

      it.each<[string, string, (writer: number, n: number) => string]>([
        // Writers also contend on streams; any absorbs those races.
        ['readAll', 'sharing five streams', (writer, n) => `shared-${(writer + n) % 5}`],
        // Transactions on disjoint streams commit side by side, racing only for global positions.
        ['readAll', 'on streams of their own', (writer, n) => `own-${writer}-${n % 3}`],
        ['streamAll', 'sharing five streams', (writer, n) => `shared-${(writer + n) % 5}`],
        ['streamAll', 'on streams of their own', (writer, n) => `own-${writer}-${n % 3}`],
      ])('lets a reader following %s see every event of 8 concurrent writers %s exactly once, in order', async (reader, _, streamOf) => {
        const writers = 8;
        const appendsPerWriter = 100;
        const start = (await readToEnd(store(), 0n)).position;
        let writing = true;
        const seen: RecordedEvent[] = [];
        /** Reads on from `position` once: a page, or a stream to its end. */
        const readOn = async (position: bigint): Promise<ReadAllResult> => {
          if (reader === 'readAll') return store().readAll(position, 50);
          const read: RecordedEvent[] = [];
          for await (const chunk of store().streamAll(position, 50)) read.push(...chunk.events);
          return { events: read, nextPosition: read.at(-1)?.globalPosition ?? position };
        };
        const follow = (async () => {
          let position = start;
          // Polls while writers run: there is nothing to await but new rows.
          for (;;) {
            const done = !writing;
            const page = await readOn(position);
            seen.push(...page.events);
            position = page.nextPosition;
            if (done && page.events.length === 0) return;
          }
        })();
        const committed: string[] = [];
        await Promise.all(
          Array.from({ length: writers }, async (_, writer) => {
            for (let n = 0; n < appendsPerWriter; n++) {
              const streamId = `contract-follow-${start}-${streamOf(writer, n)}`;
              const batch = events(1 + (n % 2));
              await storeOf(writer).appendToStream(streamId, batch);
              committed.push(...batch.map((event) => event.metadata.eventId));
            }
          }),
        ).finally(() => {
          writing = false;
        });
        await follow;

        const seenIds = seen.map((entry) => entry.event.metadata.eventId);
        expect(new Set(seenIds).size).toBe(seenIds.length);
        expect(new Set(seenIds)).toEqual(new Set(committed));
        for (let index = 1; index < seen.length; index++) {
          expect(seen[index]!.globalPosition).toBeGreaterThan(seen[index - 1]!.globalPosition);
        }
        // What the follower saw live is exactly what a reader sees after the fact: nothing was skipped.
        const afterwards = (await readToEnd(store(), start)).events;
        expect(seenIds).toEqual(afterwards.map((entry) => entry.event.metadata.eventId));
        expect(seen.map((entry) => entry.globalPosition)).toEqual(afterwards.map((entry) => entry.globalPosition));
      });
    });
  });
}

async function readToEnd(store: EventStore, from: bigint): Promise<{ events: RecordedEvent[]; position: bigint }> {
  const all: RecordedEvent[] = [];
  let position = from;
  for (;;) {
    const page = await store.readAll(position, 500);
    if (page.events.length === 0) return { events: all, position };
    all.push(...page.events);
    position = page.nextPosition;
  }
}
