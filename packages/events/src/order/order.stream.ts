import type { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store';
import { evolve, initialOrderState, type OrderState } from './order.decider';
import { formatIssuePath, ValidationError } from '../shared/errors';
import { z } from 'zod';
import { OrderEvent, orderStreamId } from './order.events';
import { fastParseOrderEvent } from './order.events.fast-parse';
import { upcastOrderEvent } from './order.upcasters';

/**
 * Validates an event read back from the store: upcasts it to the current schema version, then parses it.
 * @throws ZodError or Error when the stored event is not a valid order event.
 */
export const parseOrderEvent = (raw: NewEvent): OrderEvent => upcastOrderEvent(raw);

/**
 * Holds a decided event to the schema its readers parse it with, before it is appended: an event the
 * projection, the relay or a replay could not read is never stored.
 * @throws ValidationError naming the event's field (`total`, `lines[3].lineTotal`) and why.
 * @example events.forEach(assertReadableOrderEvent); await store.appendToStream(streamId, events);
 */
export function assertReadableOrderEvent(event: OrderEvent): void {
  // The fast check vouches only for what zod accepts (a tenth of zod's time); the rest goes to zod, which names the field.
  if (fastParseOrderEvent(event) !== undefined) return;
  const parsed = OrderEvent.safeParse(event);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  // `data.total` is what the client knows as `total`; metadata is ours, named as it is.
  const path = issue?.path[0] === 'data' ? issue.path.slice(1) : (issue?.path ?? []);
  throw new ValidationError(formatIssuePath(path), `${issue?.message ?? 'invalid'} (in ${event.type})`);
}

/**
 * A stored event that this code cannot read (old data it has no upcaster for, a bug that stored it): names
 * where it is, so an operator can find it, and why.
 */
export class UnreadableEventError extends Error {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: bigint;
  readonly eventType: string;
  readonly reason: string;

  constructor(recorded: RecordedEvent, cause: unknown) {
    const reason = describeParseFailure(cause);
    super(
      `the event at position ${recorded.globalPosition} (${recorded.streamId} version ${recorded.streamVersion}, ${recorded.event.type}) cannot be read: ${reason}`,
      { cause },
    );
    this.name = 'UnreadableEventError';
    this.streamId = recorded.streamId;
    this.streamVersion = recorded.streamVersion;
    this.globalPosition = recorded.globalPosition;
    this.eventType = recorded.event.type;
    this.reason = reason;
  }
}

function describeParseFailure(cause: unknown): string {
  if (cause instanceof z.ZodError) {
    return cause.issues
      .slice(0, 3)
      .map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`)
      .join('; ');
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Parses one stored event with `parseOrderEvent`, saying where it is when it cannot be read.
 * @throws UnreadableEventError
 * @example const event = parseRecordedOrderEvent(recorded);
 */
export function parseRecordedOrderEvent(recorded: RecordedEvent, parse: (raw: NewEvent) => OrderEvent = parseOrderEvent): OrderEvent {
  try {
    return parse(recorded.event);
  } catch (error) {
    throw new UnreadableEventError(recorded, error);
  }
}

/**
 * Reads an order's stream, every event upcast and validated.
 * @throws UnreadableEventError naming the first event that cannot be read.
 * @example const history = await readOrderStream(store, orderId);
 */
export async function readOrderStream(
  store: Pick<EventStore, 'readStream'>,
  orderId: string,
  parse: (raw: NewEvent) => OrderEvent = parseOrderEvent,
): Promise<RecordedEvent<OrderEvent>[]> {
  const recorded = await store.readStream(orderStreamId(orderId));
  return recorded.map((entry) => ({ ...entry, event: parseRecordedOrderEvent(entry, parse) }));
}

/**
 * Folds an order's stream into its state; `state.version` is the version to append at.
 * @throws UnreadableEventError naming the first event that cannot be read.
 * @example const { state } = await loadOrder(store, orderId); const events = decide(command, state);
 */
export async function loadOrder(store: Pick<EventStore, 'readStream'>, orderId: string): Promise<{ state: OrderState; version: number }> {
  const recorded = await readOrderStream(store, orderId);
  return { state: recorded.map((entry) => entry.event).reduce(evolve, initialOrderState()), version: recorded.at(-1)?.streamVersion ?? 0 };
}
