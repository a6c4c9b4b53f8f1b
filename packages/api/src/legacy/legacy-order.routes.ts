import { ConflictError, ForbiddenError, NotFoundError } from '@delivery/events';
import type { Order } from '@delivery/projections';
import { TRPCError } from '@trpc/server';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import type { LegacyCallers } from './legacy-actors';
import { legacyHandler, withSlash, type LegacyEnv } from './legacy-handler';
import { resolveMenuNames } from './legacy-names';
import { LegacyOrderInput, LegacyStatusInput, legacyOrder } from './legacy.shapes';

const isUuid = (text: string) => z.uuid().safeParse(text).success;

/** The original's ids were integers; ids here are UUIDs, and anything else names no order. */
function orderIdOf(text: string | undefined): string {
  if (text === undefined || !isUuid(text)) throw new NotFoundError(`order ${text ?? ''} not found`);
  return text;
}

const isNotFound = (error: unknown) => error instanceof TRPCError && error.code === 'NOT_FOUND';

/** Every order, page by page, as the original's list did (the read model: a just-placed order may lag). */
async function allOrders(callers: LegacyCallers): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Order[]; nextCursor: string | null } = await callers.admin.order.list({ limit: 100, cursor });
    orders.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

/**
 * Moves an order to `status` through the order commands, so only the state machine's moves happen:
 * accepted, rejected and delivered as the legacy vendor, cancelled as the legacy customer (only the
 * customer who placed an order may cancel it: orders placed elsewhere answer 403 here). Asking for the
 * status the order already has changes nothing and answers the order, as a repeated PUT should.
 */
async function changeStatus(callers: LegacyCallers, orderId: string, input: z.output<typeof LegacyStatusInput>): Promise<Order> {
  const current = await callers.admin.order.get({ orderId });
  if (current.status === input.status) return current;
  switch (input.status) {
    case 'pending':
      throw new ConflictError(`order ${orderId} is ${current.status} and cannot go back to pending`, current.version, current.status);
    case 'accepted':
      return callers.vendor.order.accept({ orderId });
    case 'delivered':
      return callers.vendor.order.markDelivered({ orderId });
    case 'rejected':
      return callers.vendor.order.reject({ orderId, reason: input.reason ?? 'rejected through the original API' });
    case 'cancelled':
      try {
        return await callers.customer.order.cancel({ orderId });
      } catch (error) {
        if (isNotFound(error)) throw new ForbiddenError(`order ${orderId} was not placed through the original API; only its customer can cancel it`);
        throw error;
      }
    default: {
      const unreachable: never = input.status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

/**
 * The original order paths, `/order/api/...`: placed as the legacy customer by item names, read as the
 * legacy admin (the original listed every order), changed through the order commands.
 */
export function legacyOrderRoutes(deps: AppDeps): Hono<LegacyEnv> {
  const app = new Hono<LegacyEnv>();

  // POST /order/api/create { items: [{ name, quantity }], email } -> 201 { id, items, created_at, total, status, email }
  app.on(
    'POST',
    withSlash('/order/api/create'),
    legacyHandler(
      deps,
      async ({ callers, json }) => {
        const input = LegacyOrderInput.parse(await json());
        const items = await resolveMenuNames(callers.anonymous, input.items);
        // email is checked by order.place, which names it when it is missing or not an address.
        const placed = await callers.customer.order.place({ items, email: input.email as string | undefined });
        const order = await callers.customer.order.get({ orderId: placed.orderId });
        return { status: 201, body: legacyOrder(order) };
      },
      { renamePath: (path) => path.replace(/^(items\[\d+\])\.(id|kind)$/, '$1.name') },
    ),
  );

  app.on(
    'GET',
    withSlash('/order/api/get'),
    legacyHandler(deps, async ({ callers }) => ({ status: 200, body: (await allOrders(callers)).map(legacyOrder) })),
  );

  app.on(
    'GET',
    withSlash('/order/api/get/:id'),
    legacyHandler(deps, async ({ c, callers }) => {
      const order = await callers.admin.order.get({ orderId: orderIdOf(c.req.param('id')) });
      return { status: 200, body: legacyOrder(order) };
    }),
  );

  // PUT /order/api/update/<id> { status } -> the order after the change
  app.on(
    'PUT',
    withSlash('/order/api/update/:id'),
    legacyHandler(deps, async ({ c, callers, json }) => {
      const orderId = orderIdOf(c.req.param('id'));
      const input = LegacyStatusInput.parse(await json());
      return { status: 200, body: legacyOrder(await changeStatus(callers, orderId, input)) };
    }),
  );

  return app;
}
