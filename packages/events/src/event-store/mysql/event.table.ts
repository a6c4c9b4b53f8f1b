import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { OutboxTable } from '../../outbox/outbox.table';

/** One row per stream: its current version, locked by every append to that stream. */
export interface StreamsTable {
  stream_id: string;
  version: number;
}

export interface EventsTable {
  /** Dense and in commit order (see mysql-event-store.ts); a string because it is a BIGINT. */
  global_position: ColumnType<string, string, never>;
  stream_id: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  /** JSON text. */
  data: string;
  /** JSON text. */
  metadata: string;
  recorded_at: ColumnType<Date, Date, never>;
}

/** A single row (`id` = 1): the last global position handed out. Its row lock orders commits. */
export interface EventPositionsTable {
  id: number;
  last_position: ColumnType<string, string, string>;
}

export type StreamRow = Selectable<StreamsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;

/** The tables of the event store, for `Kysely<EventStoreDatabase>`. */
export interface EventStoreDatabase {
  streams: StreamsTable;
  events: EventsTable;
  event_positions: EventPositionsTable;
  outbox: OutboxTable;
}
