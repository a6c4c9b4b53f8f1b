import {
  ConflictError,
  NotFoundError,
  decide,
  evolve,
  initialOrderState,
  loadOrder,
  orderStreamId,
  type Clock,
  type EventStore,
  type IdGenerator,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type PlacedOrderState,
} from '@delivery/events';

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
    try {
      await appendDecided(deps.eventStore, orderId, events, state.version);
      return requirePlaced(events.reduce(evolve, state), orderId);
    } catch (error) {
      const retryable = error instanceof ConflictError && command.expectedVersion === undefined;
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function appendDecided(eventStore: EventStore, orderId: string, events: OrderEvent[], version: number) {
  await eventStore.appendToStream(orderStreamId(orderId), events, {
    expectedVersion: version === 0 ? 'no_stream' : version,
  });
}
