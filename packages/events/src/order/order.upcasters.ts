import { CURRENT_SCHEMA_VERSION, OrderEvent } from './order.events';
import { fastParseOrderEvent } from './order.events.fast-parse';

/** A stored event of any schema version: only its type and schema version are known before upcasting. */
export type RawEvent = { type: string; data: unknown; metadata: { schemaVersion: number } & Record<string, unknown> };

/** An event as the store hands it out: its metadata is the writer's, unchecked until parsed. */
type StoredEvent = { type: string; data: unknown; metadata: Readonly<Record<string, unknown>> };

const hasSchemaVersion = (event: StoredEvent): event is RawEvent => typeof event.metadata.schemaVersion === 'number';

/**
 * Turns an event of schema version N-1 into version N (registered under key N). It only reshapes
 * `data` / `metadata`; the chain sets `metadata.schemaVersion` itself.
 */
export type Upcaster = (event: RawEvent) => RawEvent;

export interface UpcasterOptions {
  /** The version to upcast to; `CURRENT_SCHEMA_VERSION` unless a test pins another one. */
  currentVersion?: number;
}

/**
 * Builds the read-side parser of order events: applies the upcasters from the event's schema version
 * up to the current one, then validates the result with the zod schema.
 * @throws Error when an upcaster is missing or the event is newer than this code; ZodError when invalid.
 * @example
 * const parse = createUpcaster({ 2: (event) => ({ ...event, data: { ...event.data as object, note: null } }) });
 * const placed = parse(JSON.parse(row.payload));
 */
export function createUpcaster(upcasters: Readonly<Record<number, Upcaster>>, options: UpcasterOptions = {}): (stored: StoredEvent) => OrderEvent {
  const currentVersion = options.currentVersion ?? CURRENT_SCHEMA_VERSION;
  return (stored) => {
    // Without a schema version there is nothing to upcast from: the schema names what is missing.
    if (!hasSchemaVersion(stored)) return OrderEvent.parse(stored);
    let event: RawEvent = stored;
    if (event.metadata.schemaVersion > currentVersion) {
      // Written by newer code: refuse rather than silently drop fields we do not know.
      throw new Error(`${event.type} has schema version ${event.metadata.schemaVersion}, newer than ${currentVersion}`);
    }
    while (event.metadata.schemaVersion < currentVersion) {
      const target = event.metadata.schemaVersion + 1;
      const upcast = upcasters[target];
      if (!upcast) throw new Error(`no upcaster of ${event.type} to schema version ${target}`);
      const next = upcast(event);
      event = { ...next, metadata: { ...next.metadata, schemaVersion: target } };
    }
    return validate(event);
  };
}

/** zod judges; the hand-written check first answers for the events it can vouch for, far faster (see there). */
const validate = (event: unknown): OrderEvent => fastParseOrderEvent(event) ?? OrderEvent.parse(event);

/**
 * The upcasters of order events, keyed by the version they produce. Version 1 is the first, so the
 * chain is empty today: add `2: (event) => ...` (and bump CURRENT_SCHEMA_VERSION) when a shape changes.
 */
export const orderUpcasters: Readonly<Record<number, Upcaster>> = {};

/** Upcasts a stored order event of any schema version to the current shape and validates it. */
export const upcastOrderEvent = createUpcaster(orderUpcasters);
