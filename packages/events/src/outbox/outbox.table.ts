import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * One row per appended event, written in the append's transaction; the relay publishes pending rows
 * (`published_at IS NULL`, not set aside) in `id` order. BIGINTs come back as strings (see createMysqlDb).
 */
export interface OutboxTable {
  id: Generated<string>;
  event_id: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  correlation_id: string;
  /** The whole stored event `{ type, data, metadata }` as JSON. */
  payload: string;
  created_at: ColumnType<Date, Date, never>;
  published_at: Date | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  /** When the relay set the row aside as unpublishable; null while it is claimable (or published). */
  set_aside_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
