import { ValidationError } from '@delivery/events';
import { Order, OrderPage } from '@delivery/projections';
import { z } from 'zod';
import { priceOrderLines } from '../menu/menu.pricing';
import { orderStatusChanges } from '../live/order-status.subscription';
import { authedProcedure, customerProcedure, router, vendorProcedure } from '../trpc/trpc';
import { changeOrder } from './order-commands';
import { placeOrder } from './place-order.handler';
import { getOrderForUser, listOrdersForUser, orderHistoryForUser } from './order.queries';
import {
  ChangeOrderInput,
  GetOrderInput,
  ListOrdersInput,
  OrderHistoryEntry,
  OrderIdInput,
  PlaceOrderInput,
  PlacedOrder,
  RejectOrderInput,
} from './order.schemas';

export const orderRouter = router({
  place: customerProcedure
    .input(PlaceOrderInput)
    .output(PlacedOrder)
    .mutation(async ({ ctx, input }) => {
      const email = input.email ?? ctx.user.email;
      if (!email) throw new ValidationError('email', 'is required when the token carries no email');
      const { lines, total } = await priceOrderLines(ctx.db.pg, input.items);
      const order = await placeOrder(ctx, {
        actor: { sub: ctx.user.sub, role: ctx.user.role },
        customerId: ctx.user.sub,
        email,
        lines,
        total,
        idempotencyKey: input.idempotencyKey ?? null,
        correlationId: ctx.requestId,
      });
      return { orderId: order.orderId, status: order.status, total: order.total, version: order.version };
    }),

  get: authedProcedure
    .input(GetOrderInput)
    .output(Order)
    .query(({ ctx, input }) => getOrderForUser(ctx, input.orderId, input.minVersion)),

  list: authedProcedure
    .input(ListOrdersInput)
    .output(OrderPage)
    .query(({ ctx, input }) => listOrdersForUser(ctx, input ?? {})),

  history: authedProcedure
    .input(OrderIdInput)
    .output(z.array(OrderHistoryEntry))
    .query(({ ctx, input }) => orderHistoryForUser(ctx, input.orderId)),

  cancel: customerProcedure
    .input(ChangeOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, 'CancelOrder', input, { reason: null }, { ownerOnly: true })),

  accept: vendorProcedure
    .input(ChangeOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, 'AcceptOrder', input, {})),

  reject: vendorProcedure
    .input(RejectOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, 'RejectOrder', input, { reason: input.reason })),

  markDelivered: vendorProcedure
    .input(ChangeOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, 'MarkOrderDelivered', input, {})),

  onStatusChange: authedProcedure
    .input(OrderIdInput.extend({ lastEventId: z.string().max(20).optional() }))
    .subscription(({ ctx, input, signal }) => orderStatusChanges(ctx, input, signal ?? new AbortController().signal)),
});
