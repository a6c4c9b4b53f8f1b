import { ValidationError } from '@delivery/events';
import { Order, OrderPage } from '@delivery/projections';
import { z } from 'zod';
import { priceOrderLines } from '../menu/menu.pricing';
import { orderStatusChanges } from './order-status.subscription';
import type { ProcedureMeta } from '../trpc/procedure-meta';
import { authedProcedure, customerProcedure, router, vendorProcedure } from '../trpc/trpc';
import { changeOrder, placeOrder } from './order.mutations';
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

const tags = ['orders'];

/**
 * Where the confirmation goes: the token's own address. Another one is refused, so nobody can send our
 * emails to whoever they like; a token without an address (the original paths' customer) names one.
 */
function confirmationAddress(tokenEmail: string | undefined, asked: string | undefined): string {
  if (tokenEmail && asked && asked.toLowerCase() !== tokenEmail.toLowerCase()) {
    throw new ValidationError('email', "must be your token's address (or left out): confirmations go only to you");
  }
  const email = tokenEmail ?? asked;
  if (!email) throw new ValidationError('email', 'is required when the token carries no email');
  return email;
}
const READERS = ['customer (own orders)', 'vendor', 'admin'];
/** Order commands: besides bad input and auth, a missing order and a stale version or illegal move. */
const commandErrors = {
  400: 'Invalid input (the message names the field)',
  401: 'No or bad token',
  403: 'Wrong role',
  404: 'No such order (or not yours)',
  409: 'Stale expectedVersion or illegal transition (data carries currentVersion, currentStatus)',
};

/** The meta of a command on one order: `POST /api/v1/orders/{orderId}/<action>`. */
const commandMeta = (role: string, action: string, summary: string): ProcedureMeta => ({
  roles: [role],
  openapi: { method: 'POST', path: `/api/v1/orders/{orderId}/${action}`, tags, summary, errorResponses: commandErrors },
});

/** A vendor's command that carries nothing but the order (and, optionally, its expected version). */
const vendorCommand = (type: 'AcceptOrder' | 'MarkOrderDelivered', action: string, summary: string) =>
  vendorProcedure
    .meta(commandMeta('vendor', action, summary))
    .input(ChangeOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, type, input, {}));

export const orderRouter = router({
  place: customerProcedure
    .meta({
      roles: ['customer'],
      openapi: {
        method: 'POST',
        path: '/api/v1/orders',
        tags,
        summary: 'Place an order, priced from the menu',
        description:
          'Limited per customer (ORDER_RATE_LIMIT orders per ORDER_RATE_WINDOW_S seconds, 30 per 60 s by default): over it, 429 TOO_MANY_REQUESTS with a Retry-After header (seconds).',
        errorResponses: {
          400: 'Invalid input (the message names the field)',
          401: 'No or bad token',
          403: 'Wrong role',
          429: 'Too many orders: wait the Retry-After seconds',
        },
      },
    })
    .input(PlaceOrderInput)
    .output(PlacedOrder)
    .mutation(async ({ ctx, input }) => {
      const email = confirmationAddress(ctx.user.email, input.email);
      // The limit (MySQL) and the prices (PostgreSQL) at once, the limit's refusal first: a customer over the
      // limit hears 429 whatever the items, and a bad item still counts against the limit, as when they ran in turn.
      const [limited, priced] = await Promise.allSettled([ctx.deps.limits.placeOrder(ctx.user.sub), priceOrderLines(ctx.deps.db.menu, input.items)]);
      if (limited.status === 'rejected') throw limited.reason;
      if (priced.status === 'rejected') throw priced.reason;
      const { lines, total } = priced.value;
      const order = await placeOrder(ctx.deps, {
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
    .meta({ roles: READERS, openapi: { method: 'GET', path: '/api/v1/orders/{orderId}', tags, summary: 'Get an order' } })
    .input(GetOrderInput)
    .output(Order)
    .query(({ ctx, input, signal }) => getOrderForUser(ctx, input.orderId, input.minVersion, signal)),

  list: authedProcedure
    .meta({ roles: READERS, openapi: { method: 'GET', path: '/api/v1/orders', tags, summary: 'List orders, newest first, a page at a time' } })
    .input(ListOrdersInput)
    .output(OrderPage)
    .query(({ ctx, input }) => listOrdersForUser(ctx, input ?? {})),

  history: authedProcedure
    .meta({ roles: READERS, openapi: { method: 'GET', path: '/api/v1/orders/{orderId}/history', tags, summary: "An order's events" } })
    .input(OrderIdInput)
    .output(z.array(OrderHistoryEntry))
    .query(({ ctx, input }) => orderHistoryForUser(ctx, input.orderId)),

  cancel: customerProcedure
    .meta(commandMeta('customer (owner)', 'cancel', 'Cancel a pending order'))
    .input(ChangeOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, 'CancelOrder', input, { reason: null }, { ownerOnly: true })),

  accept: vendorCommand('AcceptOrder', 'accept', 'Accept a pending order'),

  reject: vendorProcedure
    .meta(commandMeta('vendor', 'reject', 'Reject a pending order'))
    .input(RejectOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) => changeOrder(ctx, 'RejectOrder', input, { reason: input.reason })),

  markDelivered: vendorCommand('MarkOrderDelivered', 'deliver', 'Mark an accepted order delivered'),

  onStatusChange: authedProcedure
    // No REST route: OpenAPI has no subscriptions. Follow it over SSE at /trpc.
    .meta({ roles: READERS })
    .input(OrderIdInput.extend({ lastEventId: z.string().max(20).optional() }))
    .subscription(({ ctx, input, signal }) => orderStatusChanges(ctx, input, signal ?? new AbortController().signal)),
});
