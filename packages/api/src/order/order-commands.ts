import type { OrderCommand, PlacedOrderState } from '@delivery/events';
import type { Order } from '@delivery/projections';
import type { AuthUser } from '../auth/jwt';
import type { Context } from '../trpc/context';
import { orderFromState } from './order.dto';
import { executeOrderCommand, requirePlaced } from './order.handlers';
import { requireOwner } from './order-access';

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
  ctx: Pick<Context, 'eventStore' | 'clock' | 'ids' | 'requestId'> & { user: AuthUser },
  type: T,
  input: { orderId: string; expectedVersion?: number },
  data: CommandData<T>,
  options: { ownerOnly?: boolean } = {},
): Promise<Order> {
  const state: PlacedOrderState = await executeOrderCommand(ctx, input.orderId, (envelope, current) => {
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
  return orderFromState(state);
}
