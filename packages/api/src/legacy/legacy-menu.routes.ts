import { MenuKind, ValidationError } from '@delivery/events';
import { Hono } from 'hono';
import type { AppDeps } from '../deps/app-deps';
import { BarCategory, FoodCategory } from '../menu/menu.schemas';
import type { LegacyCaller } from './legacy-actors';
import { legacyHandler, withSlash, type LegacyEnv, type LegacyReply, type LegacyRequest } from './legacy-handler';
import { resolveMenuNames } from './legacy-names';
import { LegacyCostInput, LegacyUpdateInput, legacyMenuItem, menuFieldsFromLegacy, menuPatchFromLegacy } from './legacy.shapes';

const CATEGORIES = { food: FoodCategory.options, bar: BarCategory.options } as const;

/** The routes only match `food` or `bar`; parsing narrows the type. */
const kindOf = (text: string | undefined): MenuKind => MenuKind.parse(text);

/** The original matched categories exactly; any capitalisation of a known one is accepted here. */
function categoryOf(kind: MenuKind, text: string): string {
  return CATEGORIES[kind].find((category) => category.toLowerCase() === text.trim().toLowerCase()) ?? text;
}

const menuOf = (caller: LegacyCaller, kind: MenuKind) => (kind === 'food' ? caller.menu.food : caller.menu.bar);

/** `items[2].alcoholContent` (procedure) -> `[2].alcohol_content` (the legacy body). */
const fromItems = (prefix: string) => (path: string) => path.replace(/^items(?=\[|$)/, prefix).replace(/\balcoholContent\b/g, 'alcohol_content');

/**
 * The original menu paths, `/menu/api/{food,bar}/...` and `/menu/api/total/cost`, over the menu
 * procedures: creates and updates as the legacy admin, reads anonymously (menu reads are public).
 */
export function legacyMenuRoutes(deps: AppDeps): Hono<LegacyEnv> {
  const app = new Hono<LegacyEnv>();

  /** A route over `/menu/api/{food,bar}/<path>`: `handle` gets the kind, parsed from the path. */
  const kindRoute = (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    handle: (request: LegacyRequest, kind: MenuKind) => Promise<LegacyReply>,
    options?: { renamePath?: (path: string) => string },
  ) =>
    app.on(
      method,
      withSlash(`/menu/api/:kind{food|bar}/${path}`),
      legacyHandler(deps, (request) => handle(request, kindOf(request.c.req.param('kind'))), options),
    );

  // POST /menu/api/{food,bar}/create with a JSON array of items -> 201 with the created items.
  kindRoute(
    'POST',
    'create',
    async ({ callers, json }, kind) => {
      const body = await json();
      if (!Array.isArray(body)) throw new ValidationError('body', 'must be a JSON array of menu items');
      const items = body.map((item) => menuFieldsFromLegacy(kind, item));
      // The procedure's input schema checks every field; the cast only hands it over.
      const created = await menuOf(callers.admin, kind).create({ items } as never);
      return { status: 201, body: created.map(legacyMenuItem) };
    },
    { renamePath: fromItems('') },
  );

  const listItems = async ({ c, callers }: LegacyRequest, kind: MenuKind): Promise<LegacyReply> => {
    const category = c.req.param('category');
    const filter = category === undefined ? undefined : { category: categoryOf(kind, category) };
    const items = await menuOf(callers.anonymous, kind).list(filter as never);
    return { status: 200, body: items.map(legacyMenuItem) };
  };
  kindRoute('GET', 'getall', listItems);
  kindRoute('GET', 'getall/:category', listItems);

  // PUT /menu/api/{food,bar}/update: { Update_All: true, data: { fields } } changes every item;
  // { Update_All: false, data: [{ id, ...fields }] } changes the listed items (all or nothing).
  kindRoute(
    'PUT',
    'update',
    async ({ callers, json }, kind) => {
      const input = LegacyUpdateInput.parse(await json());
      const menu = menuOf(callers.admin, kind);
      if (input.Update_All) {
        const result = await menu.updateAll({ patch: menuFieldsFromLegacy(kind, input.data) } as never);
        return { status: 200, body: result };
      }
      const items = (Array.isArray(input.data) ? input.data : [input.data]).map((item) => menuPatchFromLegacy(kind, item));
      const updated = await menu.update({ items } as never);
      return { status: 200, body: updated.map(legacyMenuItem) };
    },
    // Both `patch` (Update_All) and `items` (a list) came from the body's `data`.
    { renamePath: (path) => path.replace(/^(patch|items)(?=[.[]|$)/, 'data').replace(/\balcoholContent\b/g, 'alcohol_content') },
  );

  // POST /menu/api/total/cost { items: [{ name, quantity }] } -> { total_cost: "17.98" }
  app.on(
    'POST',
    withSlash('/menu/api/total/cost'),
    legacyHandler(
      deps,
      async ({ callers, json }) => {
        const { items } = LegacyCostInput.parse(await json());
        const priced = await resolveMenuNames(callers.anonymous, items);
        const quote = await callers.anonymous.menu.quote({ items: priced });
        return { status: 200, body: { total_cost: quote.total } };
      },
      // Items were named, not numbered: a refused id or kind is a refused name.
      { renamePath: (path) => path.replace(/^(items\[\d+\])\.(id|kind)$/, '$1.name') },
    ),
  );

  return app;
}
