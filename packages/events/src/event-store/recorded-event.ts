import type { RecordedEvent, StoredEventMetadata } from './event-store';

/** An events row as both stores read it: JSON as text, the position as a decimal string. */
export interface StoredEventRow {
  global_position: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  data: string;
  metadata: string;
}

/** A stored row as the store hands it out: raw (possibly an older schema version; `parseOrderEvent` upcasts it). */
export function toRecordedEvent(row: StoredEventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: BigInt(row.global_position),
    event: {
      type: row.event_type,
      data: JSON.parse(row.data) as unknown,
      metadata: JSON.parse(row.metadata) as StoredEventMetadata,
    },
  };
}
