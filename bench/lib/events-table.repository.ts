import { performance } from 'node:perf_hooks';
import { createConnection as createStreamingConnection, type RowDataPacket } from 'mysql2';
import { createPool, type Pool } from 'mysql2/promise';
import { orderStreamId, type NewEvent } from '@delivery/events';
import { type FollowUpType, orderFollowUp, orderPlaced, sequentialUuids } from './bench-events';

/** Raw SQL over the event store's tables: bulk generation of valid history, and the raw read baselines. */

/** The histories generated, in turn: every order starts with OrderPlaced, as the projection requires. */
const HISTORIES: readonly (readonly FollowUpType[])[] = [
  [],
  ['OrderAccepted'],
  ['OrderAccepted', 'OrderDelivered'],
  ['OrderCancelled'],
  ['OrderRejected'],
  ['OrderAccepted', 'OrderDelivered'],
];
/** Orders per multi-row INSERT (about 2.2 events each; ~3 MB per statement, under max_allowed_packet). */
const ORDERS_PER_CHUNK = 1500;
/** Orders whose events interleave: the first events of a window, then the second ones, and so on. */
const WINDOW = 100;
const WRITERS = 2;

/** The client settings of createMysqlDb, so the raw side decodes rows as the store does. */
export async function withRawPool<T>(url: string, connectionLimit: number, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ uri: url, connectionLimit, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export interface GeneratedHistory {
  events: number;
  orders: number;
  elapsedMs: number;
  /** False when the time budget ran out before `targetEvents`. */
  complete: boolean;
}

/**
 * Writes about `targetEvents` valid order events (whole orders) straight into `streams` and `events`,
 * with dense global positions, and moves the position counter past them. No outbox rows: a replay
 * never reads them. Stops early (with whole orders) when `budgetMs` runs out.
 */
export async function generateOrderHistory(url: string, targetEvents: number, budgetMs: number): Promise<GeneratedHistory> {
  const started = performance.now();
  const nextId = sequentialUuids();
  const baseMs = Date.now() - 86_400_000;
  let position = 0;
  let orders = 0;

  const nextChunk = () => {
    const streams: [string, number][] = [];
    const events: unknown[][] = [];
    for (let windowStart = 0; windowStart < ORDERS_PER_CHUNK && position < targetEvents; windowStart += WINDOW) {
      const window = Array.from({ length: WINDOW }, () => {
        const orderId = nextId();
        const history = HISTORIES[orders++ % HISTORIES.length] ?? [];
        streams.push([orderStreamId(orderId), history.length + 1]);
        return { orderId, history };
      });
      for (let step = 0; step <= 2; step++) {
        for (const { orderId, history } of window) {
          if (step > history.length) continue;
          const occurredAt = new Date(baseMs + position).toISOString();
          const type = step === 0 ? undefined : history[step - 1];
          const event = type ? orderFollowUp(type, orderId, { eventId: nextId(), occurredAt }) : orderPlaced(orderId, { eventId: nextId(), occurredAt });
          events.push(eventRow(++position, orderStreamId(orderId), step + 1, event, occurredAt));
        }
      }
    }
    return { streams, events };
  };

  const writer = async (pool: Pool) => {
    while (position < targetEvents && performance.now() - started < budgetMs) {
      const chunk = nextChunk();
      if (chunk.events.length === 0) return;
      await pool.query('insert into streams (stream_id, version) values ?', [chunk.streams]);
      await pool.query('insert into events (global_position, stream_id, stream_version, event_id, event_type, data, metadata, recorded_at) values ?', [
        chunk.events,
      ]);
    }
  };

  return withRawPool(url, WRITERS, async (pool) => {
    await Promise.all(Array.from({ length: WRITERS }, () => writer(pool)));
    await pool.query('update event_positions set last_position = ? where id = 1', [position]);
    return { events: position, orders, elapsedMs: performance.now() - started, complete: position >= targetEvents };
  });
}

function eventRow(position: number, streamId: string, version: number, event: NewEvent, occurredAt: string): unknown[] {
  const recordedAt = new Date(occurredAt);
  return [position, streamId, version, event.metadata.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt];
}

export interface ScanResult {
  rows: number;
  elapsedMs: number;
  complete: boolean;
}

/** Streams every row of `events` in position order in one query: the read limit of this MariaDB and client. */
export async function scanEventsStreaming(url: string, budgetMs: number): Promise<ScanResult> {
  // The callback client: its query object is the row stream (the promise client buffers whole results).
  const connection = createStreamingConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' });
  const started = performance.now();
  let rows = 0;
  let complete = true;
  try {
    const stream = connection.query('select * from events order by global_position').stream();
    for await (const _row of stream) {
      rows++;
      if ((rows & 1023) === 0 && performance.now() - started > budgetMs) {
        complete = false;
        stream.destroy();
        break;
      }
    }
    return { rows, elapsedMs: performance.now() - started, complete };
  } finally {
    // A stream stopped early leaves the connection mid-result: destroy it rather than wait for the rest.
    if (complete) await new Promise<void>((resolve) => connection.end(() => resolve()));
    else connection.destroy();
  }
}

/** Reads `events` in keyset pages, as `readAll` does, without decoding the JSON. */
export const scanEventsInPages = (url: string, pageSize: number, budgetMs: number): Promise<ScanResult> =>
  withRawPool(url, 1, async (pool) => {
    const started = performance.now();
    let rows = 0;
    let after = '0';
    for (;;) {
      if (performance.now() - started > budgetMs) return { rows, elapsedMs: performance.now() - started, complete: false };
      const [page] = await pool.query<RowDataPacket[]>('select * from events where global_position > ? order by global_position limit ?', [after, pageSize]);
      if (page.length === 0) return { rows, elapsedMs: performance.now() - started, complete: true };
      rows += page.length;
      after = String(page[page.length - 1]?.global_position);
    }
  });
