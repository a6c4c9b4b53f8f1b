import { CURRENT_SCHEMA_VERSION, OrderEvent } from './order.events';

/**
 * Turns a stored event of any schema version into the current shape, then validates it.
 * An upcaster takes version N and returns version N+1; the chain is applied until current.
 * Version 1 is the first, so the chain is empty today: add `2: (event) => ...` when a shape changes.
 */
type RawEvent = { type: string; data: unknown; metadata: { schemaVersion: number } & Record<string, unknown> };
type Upcaster = (event: RawEvent) => RawEvent;

const upcasters: Record<number, Upcaster> = {};

export function upcastOrderEvent(raw: RawEvent): OrderEvent {
  let event = raw;
  while (event.metadata.schemaVersion < CURRENT_SCHEMA_VERSION) {
    const next = upcasters[event.metadata.schemaVersion + 1];
    if (!next) throw new Error(`no upcaster to schema version ${event.metadata.schemaVersion + 1}`);
    event = next(event);
  }
  return OrderEvent.parse(event);
}
