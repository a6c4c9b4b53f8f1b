import type { EventStore } from '../event-store/event-store';
import type { Clock, IdGenerator } from '../shared/clock';
import { ConflictError, NotFoundError } from '../shared/errors';
import { inSpan, traceparentOf } from '../tracing/tracing';
import type { OrderCommand } from './order.commands';
import { decide, evolve, initialOrderState, type OrderState, type PlacedOrderState } from './order.decider';
import { orderStreamId, type OrderEvent } from './order.events';
import { assertReadableOrderEvent, loadOrder } from './order.stream';

export interface OrderCommandDeps {
  eventStore: EventStore;
  clock: Clock;
  ids: IdGenerator;
}

/** What every command gets from the handler: time and ids, so `decide` stays pure. */
export type CommandEnvelope = Pick<OrderCommand, 'now' | 'eventId'>;

/** A lost race for the same stream without an `expectedVersion` from the caller is retried this often. */
const MAX_ATTEMPTS = 3;

export function requirePlaced(state: OrderState, orderId: string): PlacedOrderState {
  if (state.status === 'absent') throw new NotFoundError(`order ${orderId} not found`);
  return state;
}

/**
 * Loads the order, lets the decider decide, and appends at the version it decided on. When another writer
 * wins the race and the caller gave no `expectedVersion`, the command is decided again on the fresh state
 * (the decider then refuses it if it no longer fits); with an `expectedVersion` the conflict is the answer.
 * `newStream: true` skips the first read for a command on a stream that should not exist yet (a placement):
 * the append's `no_stream` check stands in for it, and a conflict reads the stream as usual.
 */
export async function executeOrderCommand(
  deps: OrderCommandDeps,
  orderId: string,
  buildCommand: (envelope: CommandEnvelope, state: OrderState) => OrderCommand,
  options: { newStream?: boolean } = {},
): Promise<PlacedOrderState> {
  for (let attempt = 1; ; attempt++) {
    const { state } = attempt === 1 && options.newStream ? { state: initialOrderState() } : await loadOrder(deps.eventStore, orderId);
    const command = buildCommand({ now: deps.clock.now(), eventId: deps.ids.newId() }, state);
    const events = decide(command, state);
    events.forEach(assertReadableOrderEvent);
    try {
      await appendDecided(deps.eventStore, orderId, events, state.version);
      return requirePlaced(events.reduce(evolve, state), orderId);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (command.expectedVersion === undefined && attempt < MAX_ATTEMPTS) continue;
      throw await concurrentWriteConflict(deps.eventStore, orderId);
    }
  }
}

/**
 * The answer to an append that lost a race: the store's conflict names its stream and knows no status,
 * so it is told again the way every other CONFLICT is, from the order as it is now.
 */
async function concurrentWriteConflict(eventStore: EventStore, orderId: string): Promise<ConflictError> {
  const { state } = await loadOrder(eventStore, orderId);
  const status = state.status === 'absent' ? undefined : state.status;
  return new ConflictError(`order ${orderId} was changed meanwhile; it is now at version ${state.version} (${status ?? 'absent'})`, state.version, status);
}

async function appendDecided(eventStore: EventStore, orderId: string, events: OrderEvent[], version: number) {
  // Tracing: the append has its span, whose traceparent each event keeps in its metadata (so in its outbox
  // row), for the relay and the consumers to continue the order's trace. Tracing off: no traceparent, no change.
  await inSpan('order append', { attributes: { 'order.id': orderId, 'order.event_types': events.map((event) => event.type).join(',') } }, async (span) => {
    const traceparent = traceparentOf(span);
    const stamped = traceparent ? events.map((event) => ({ ...event, metadata: { ...event.metadata, traceparent } })) : events;
    await eventStore.appendToStream(orderStreamId(orderId), stamped, {
      expectedVersion: version === 0 ? 'no_stream' : version,
    });
  });
}
