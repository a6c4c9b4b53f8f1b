import { ConflictError, loadOrder, type Actor, type Money, type OrderLine, type PlacedOrderState } from '@delivery/events';
import { executeOrderCommand, requirePlaced, type OrderCommandDeps } from './order.handlers';
import { orderIdFor } from './order-id';

export interface PlaceOrderRequest {
  actor: Actor;
  customerId: string;
  email: string;
  /** Priced from the menu by the caller, never by the client. */
  lines: OrderLine[];
  total: Money;
  idempotencyKey: string | null;
  correlationId: string;
}

/**
 * Places an order. A placement repeated with the same idempotency key (by the same customer) lands on the
 * same stream, finds it taken, and answers with the first order; as Stripe does, a repeat whose body
 * differs (other items, quantities or email) is refused with a CONFLICT naming the key.
 */
export async function placeOrder(deps: OrderCommandDeps, request: PlaceOrderRequest): Promise<PlacedOrderState> {
  const orderId = orderIdFor(request.customerId, request.idempotencyKey, () => deps.ids.newId());
  try {
    return await executeOrderCommand(
      deps,
      orderId,
      (envelope) => ({
        type: 'PlaceOrder',
        ...envelope,
        orderId,
        actor: request.actor,
        correlationId: request.correlationId,
        causationId: null,
        customerId: request.customerId,
        email: request.email,
        lines: request.lines,
        total: request.total,
        idempotencyKey: request.idempotencyKey,
      }),
      // A new order's stream does not exist, and a retried one's is found by the append's no_stream check.
      { newStream: true },
    );
  } catch (error) {
    if (!(error instanceof ConflictError) || request.idempotencyKey === null) throw error;
    const { state } = await loadOrder(deps.eventStore, orderId);
    const first = requirePlaced(state, orderId);
    if (!sameBody(first, request)) {
      throw new ConflictError(
        `idempotency key "${request.idempotencyKey}" was already used for order ${orderId} with other items or email; use a new key for a new order`,
        first.version,
        first.status,
      );
    }
    return first;
  }
}

/** The same items, quantities and email as the first placement (prices may have moved since: not compared). */
function sameBody(first: PlacedOrderState, request: PlaceOrderRequest): boolean {
  const itemsOf = (lines: readonly OrderLine[]) => lines.map((line) => `${line.kind}:${line.itemId}x${line.quantity}`).join(',');
  return first.email === request.email && itemsOf(first.lines) === itemsOf(request.lines);
}
