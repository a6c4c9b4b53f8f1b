import type { Pool, PoolConnection } from 'mysql2';
import type { ReadAllResult, RecordedEvent } from '../event-store';
import { type StoredEventRow, toRecordedEvent } from '../recorded-event';

/*
 * `streamAll` on MySQL/MariaDB: one SELECT whose rows the client takes as they arrive, instead of a
 * keyset query per page (a round trip, a plan and a result set each). Kysely's own `stream()` hands rows
 * over one promise each; here rows are gathered into chunks straight from mysql2's row events, and the
 * connection stops reading from its socket while the consumer is `CHUNKS_AHEAD` chunks behind, so the
 * server waits instead of Node's memory growing.
 *
 * Each statement is one autocommit read, so it sees one snapshot, which has no holes in its positions
 * (mysql-event-store.ts); like consecutive `readAll` pages, consecutive statements continue from the last
 * position read, until one finds nothing. A statement reads at most `ROWS_PER_STATEMENT` rows, so no
 * snapshot stays open for the length of a whole replay. A consumer that stalls for longer than the
 * server's `net_write_timeout` (60 s by default) makes the server give up the statement: the read fails.
 */

/** Rows one statement reads at most (a few seconds of a replay). */
const ROWS_PER_STATEMENT = 200_000;
/** Whole chunks read ahead of the consumer before the socket is paused; reading resumes below half of it. */
const CHUNKS_AHEAD = 4;
// The columns of `recordedEventColumns`: a replay reads millions of rows, `recorded_at` alone costs a Date each.
const STATEMENT =
  'select global_position, stream_id, stream_version, event_type, data, metadata from events where global_position > ? order by global_position limit ?';

/** Every event after `fromPosition`, in chunks of at most `chunkSize`, read on one connection of `pool`. */
export async function* streamEventsFromPool(
  pool: Pool,
  fromPosition: bigint,
  chunkSize: number,
  rowsPerStatement = ROWS_PER_STATEMENT,
): AsyncGenerator<ReadAllResult> {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`invalid chunk size: ${chunkSize}`);
  const connection = await new Promise<PoolConnection>((resolve, reject) => pool.getConnection((error, taken) => (error ? reject(error) : resolve(taken))));
  let readToEnd = false;
  try {
    let position = fromPosition;
    for (let read = -1; read !== 0; ) {
      read = 0;
      for await (const events of streamStatement(connection, position, chunkSize, rowsPerStatement)) {
        read += events.length;
        position = events.at(-1)?.globalPosition ?? position;
        yield { events, nextPosition: position };
      }
    }
    readToEnd = true;
  } finally {
    // A connection left in the middle of a result (a consumer that stopped, a failure) is not reusable.
    if (readToEnd) connection.release();
    else connection.destroy();
  }
}

/** The events of one statement after `after`, in chunks. */
async function* streamStatement(connection: PoolConnection, after: bigint, chunkSize: number, limit: number): AsyncGenerator<RecordedEvent[]> {
  const ready: RecordedEvent[][] = [];
  let chunk: RecordedEvent[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };

  const query = connection.query(STATEMENT, [after.toString(), limit]);
  query.on('result', (row) => {
    if (failure) return;
    try {
      chunk.push(toRecordedEvent(row as unknown as StoredEventRow));
    } catch (error) {
      return fail(error);
    }
    if (chunk.length < chunkSize) return;
    ready.push(chunk);
    chunk = [];
    if (ready.length >= CHUNKS_AHEAD && !paused) {
      paused = true;
      connection.pause();
    }
    notify();
  });
  query.on('error', fail);
  query.on('end', () => {
    if (chunk.length > 0) ready.push(chunk);
    chunk = [];
    ended = true;
    notify();
  });

  try {
    for (;;) {
      const next = ready.shift();
      if (next) {
        if (paused && ready.length < CHUNKS_AHEAD / 2) {
          paused = false;
          connection.resume();
        }
        yield next;
      } else if (failure) {
        throw failure.error;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    query.removeAllListeners('result');
  }
}
