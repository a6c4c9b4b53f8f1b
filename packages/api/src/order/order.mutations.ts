import {
  ConflictError,
  executeOrderCommand,
  loadOrder,
  requirePlaced,
  type Actor,
  type Money,
  type OrderCommand,
  type OrderCommandDeps,
  type OrderLine,
  type PlacedOrderState,
} from '@delivery/events';
import { toOrder, type Order } from '@delivery/projections';
import type { AuthUser } from '../auth/jwt';
import type { Context } from '../trpc/context';
import { requireOwner } from './order-access';
import { orderIdFor } from './order-id';

// The order's mutations as the API makes them: a placement, and every later change of status. Both run
// through the command handler beside the decider (events: order/order.command-handler.ts).

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

type ChangeCommand = Exclude<OrderCommand, { type: 'PlaceOrder' }>;
type CommandData<T extends ChangeCommand['type']> = Omit<
  Extract<ChangeCommand, { type: T }>,
  'type' | 'orderId' | 'actor' | 'now' | 'eventId' | 'correlationId' | 'causationId' | 'expectedVersion'
>;

/**
 * Runs a state change for the signed-in user and answers with the order after it. `ownerOnly` commands
 * (cancel) answer NOT_FOUND to anyone but the owner, before the decider sees them.
 */
export async function changeOrder<T extends ChangeCommand['type']>(
  ctx: Pick<Context, 'requestId'> & { deps: OrderCommandDeps; user: AuthUser },
  type: T,
  input: { orderId: string; expectedVersion?: number },
  data: CommandData<T>,
  options: { ownerOnly?: boolean } = {},
): Promise<Order> {
  const state: PlacedOrderState = await executeOrderCommand(ctx.deps, input.orderId, (envelope, current) => {
    if (options.ownerOnly) requireOwner(ctx.user, input.orderId, requirePlaced(current, input.orderId).customerId);
    return {
      ...data,
      ...envelope,
      type,
      orderId: input.orderId,
      actor: { sub: ctx.user.sub, role: ctx.user.role },
      correlationId: ctx.requestId,
      causationId: null,
      expectedVersion: input.expectedVersion,
    } as ChangeCommand;
  });
  return toOrder(state);
}
