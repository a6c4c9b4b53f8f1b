import { ConflictError, ForbiddenError, NotFoundError } from '@delivery/events';
import type { Order } from '@delivery/projections';
import { TRPCError } from '@trpc/server';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../deps/app-deps';
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

const LegacyListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(100),
    cursor: z.string().max(500).optional(),
  })
  .strict();

/**
 * One page of every order, newest first (the read model: a just-placed order may lag). The body stays the
 * original's array; the next page is `?cursor=` of the `X-Next-Cursor` header (also a `Link: rel="next"`).
 */
async function orderPage(callers: LegacyCallers, query: Record<string, string>): Promise<{ items: Order[]; nextCursor: string | null }> {
  const { limit, cursor } = LegacyListQuery.parse(query);
  return callers.admin.order.list({ limit, cursor: cursor ?? null });
}

/**
 * Moves an order to `status` through the order commands, so only the state machine's moves happen:
 * accepted, rejected and delivered as the legacy vendor, cancelled as the legacy customer. Only orders
 * placed through the original paths (by the legacy customer) can be changed here: the others answer 403,
 * so a caller of these tokenless paths cannot reject or deliver a real customer's order. Asking for the
 * status the order already has changes nothing and answers the order, as a repeated PUT should.
 */
async function changeStatus(callers: LegacyCallers, orderId: string, input: z.output<typeof LegacyStatusInput>): Promise<Order> {
  const current = await callers.admin.order.get({ orderId });
  // The legacy customer sees exactly the orders it placed.
  const placedHere = await callers.customer.order.get({ orderId }).then(
    () => true,
    (error: unknown) => {
      if (isNotFound(error)) return false;
      throw error;
    },
  );
  if (!placedHere) throw new ForbiddenError(`order ${orderId} was not placed through the original API; change it through /trpc or /api/v1`);
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
      return callers.customer.order.cancel({ orderId });
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
    legacyHandler(
      deps,
      async ({ c, callers }) => {
        const page = await orderPage(callers, c.req.query());
        if (page.nextCursor) {
          c.header('X-Next-Cursor', page.nextCursor);
          c.header('Link', `<${c.req.path}?cursor=${encodeURIComponent(page.nextCursor)}>; rel="next"`);
        }
        return { status: 200, body: page.items.map(legacyOrder) };
      },
      { renamePath: (path) => path.replace(/^input$/, 'query') },
    ),
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
