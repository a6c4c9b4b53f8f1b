import type { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store';
import { aggregateStream } from '../event-store/event-store';
import { evolve, initialOrderState, type OrderState } from './order.decider';
import { type OrderEvent, orderStreamId } from './order.events';
import { upcastOrderEvent } from './order.upcasters';

/**
 * Validates an event read back from the store: upcasts it to the current schema version, then parses it.
 * @throws ZodError or Error when the stored event is not a valid order event.
 */
export const parseOrderEvent = (raw: NewEvent): OrderEvent => upcastOrderEvent(raw);

/**
 * Reads an order's stream, every event upcast and validated.
 * @example const history = await readOrderStream(store, orderId);
 */
export async function readOrderStream(
  store: Pick<EventStore, 'readStream'>,
  orderId: string,
  parse: (raw: NewEvent) => OrderEvent = parseOrderEvent,
): Promise<RecordedEvent<OrderEvent>[]> {
  const recorded = await store.readStream(orderStreamId(orderId));
  return recorded.map((entry) => ({ ...entry, event: parse(entry.event) }));
}

/**
 * Folds an order's stream into its state; `state.version` is the version to append at.
 * @example const { state } = await loadOrder(store, orderId); const events = decide(command, state);
 */
export async function loadOrder(store: Pick<EventStore, 'readStream'>, orderId: string): Promise<{ state: OrderState; version: number }> {
  return aggregateStream(store, orderStreamId(orderId), { evolve, initialState: initialOrderState, parse: parseOrderEvent });
}
