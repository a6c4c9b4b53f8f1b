import type { MenuKind } from '@delivery/events';
import { z } from 'zod';
import { adminProcedure, publicProcedure, router } from '../trpc/trpc';
import { priceOrderLines } from './menu.pricing';
import { createMenuItems, deleteMenuItem, getMenuItem, listMenuItems, updateAllMenuItems, updateMenuItems } from './menu.repository';
import { menuSchemas, MenuItemId, Quote, QuoteInput, type MenuKindSchemas } from './menu.schemas';

/** The procedures of one menu (`menu.food.*` or `menu.bar.*`): reads are public, writes are for admins. */
function createMenuKindRouter<K extends MenuKind>(kind: K) {
  const schemas: MenuKindSchemas<K> = menuSchemas[kind];
  const { item, create, update, updateAll } = schemas;
  const route = `/api/v1/menu/${kind}` as const;
  const tags = ['menu'];

  return router({
    list: publicProcedure
      .meta({ roles: ['anyone'], openapi: { method: 'GET', path: route, protect: false, tags, summary: `List ${kind} items, ordered by id` } })
      .input(schemas.list)
      .output(z.array(item))
      .query(({ ctx, input }) => listMenuItems(ctx.deps.db.menu, kind, input ?? {})),
    get: publicProcedure
      .meta({ roles: ['anyone'], openapi: { method: 'GET', path: `${route}/{id}`, protect: false, tags, summary: `Get one ${kind} item` } })
      .input(schemas.get)
      .output(item)
      .query(async ({ ctx, input }) => {
        // tRPC's output type for a generic K stays a deferred conditional TypeScript cannot match; the
        // output schema checks the value at run time and clients see the exact item type of each kind.
        return (await getMenuItem(ctx.deps.db.menu, kind, input.id)) as never;
      }),
    create: adminProcedure
      .meta({ roles: ['admin'], openapi: { method: 'POST', path: route, tags, summary: `Create ${kind} items (all or nothing)` } })
      .input(create)
      .output(z.array(item))
      .mutation(({ ctx, input }) => createMenuItems(ctx.deps.db.menu, kind, input.items)),
    update: adminProcedure
      .meta({ roles: ['admin'], openapi: { method: 'PATCH', path: route, tags, summary: `Update ${kind} items by id (all or nothing)` } })
      .input(update)
      .output(z.array(item))
      .mutation(({ ctx, input }) => updateMenuItems(ctx.deps.db.menu, kind, input.items)),
    updateAll: adminProcedure
      .meta({ roles: ['admin'], openapi: { method: 'PATCH', path: `${route}/all`, tags, summary: `Apply one patch to every ${kind} item` } })
      .input(updateAll)
      .output(z.object({ updated: z.number().int() }))
      .mutation(({ ctx, input }) => updateAllMenuItems(ctx.deps.db.menu, kind, input.patch)),
    delete: adminProcedure
      .meta({ roles: ['admin'], openapi: { method: 'DELETE', path: `${route}/{id}`, tags, summary: `Delete one ${kind} item` } })
      .input(schemas.delete)
      .output(z.object({ id: MenuItemId }))
      .mutation(({ ctx, input }) => deleteMenuItem(ctx.deps.db.menu, kind, input.id)),
  });
}

export const menuRouter = router({
  food: createMenuKindRouter('food'),
  bar: createMenuKindRouter('bar'),
  quote: publicProcedure
    // A POST although it reads: its input is a list, which a query string cannot carry.
    .meta({ roles: ['anyone'], openapi: { method: 'POST', path: '/api/v1/menu/quote', protect: false, tags: ['menu'], summary: 'Price a list of items' } })
    .input(QuoteInput)
    .output(Quote)
    .query(({ ctx, input }) => priceOrderLines(ctx.deps.db.menu, input.items)),
});
