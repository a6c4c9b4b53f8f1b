import { MenuItemId, MenuKind, Money, OrderLine } from '@delivery/events';
import { z } from 'zod';

export const FoodCategory = z.enum(['Appetizers', 'Entrees', 'Sides', 'Desserts', 'Beverages']);
export type FoodCategory = z.infer<typeof FoodCategory>;

export const BarCategory = z.enum(['Cocktails', 'Beer', 'Wine', 'Spirits', 'Mocktails']);
export type BarCategory = z.infer<typeof BarCategory>;

export const AlcoholContent = z.enum(['Strong', 'Medium', 'None']);
export type AlcoholContent = z.infer<typeof AlcoholContent>;

export { MenuItemId };

// PostgreSQL text cannot hold NUL characters; refusing them here keeps such input a 400, not a 500.
const noNul = (schema: z.ZodString) => schema.regex(/^[^\u0000]*$/, 'must not contain NUL characters');
const Name = noNul(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'));
const Description = noNul(z.string().max(2000, 'must be at most 2000 characters'));

const PRICE_HINT = 'must be a decimal string with two places, such as "8.50"';

/**
 * Prices are written as they are read: a decimal string with two places. A JSON number would already
 * have passed through binary floating point before we could look at it.
 */
export const Price = z.string({ error: PRICE_HINT }).superRefine((value, ctx) => {
  if (value.trim().startsWith('-')) ctx.addIssue({ code: 'custom', message: 'must not be negative' });
  else if (!Money.safeParse(value).success) ctx.addIssue({ code: 'custom', message: `${PRICE_HINT}, at most 99999999.99` });
});

export const FoodItem = z.object({
  id: MenuItemId,
  name: z.string(),
  description: z.string(),
  price: Money,
  available: z.boolean(),
  category: FoodCategory,
});
export type FoodItem = z.infer<typeof FoodItem>;

export const BarItem = FoodItem.extend({ category: BarCategory, alcoholContent: AlcoholContent });
export type BarItem = z.infer<typeof BarItem>;

interface MenuItemByKind {
  food: FoodItem;
  bar: BarItem;
}
export type MenuItemOf<K extends MenuKind> = MenuItemByKind[K];
export type MenuItem = FoodItem | BarItem;

const foodFields = { name: Name, description: Description, price: Price, available: z.boolean(), category: FoodCategory };
const barFields = { ...foodFields, category: BarCategory, alcoholContent: AlcoholContent };

export const FoodItemInput = z.object({ ...foodFields, description: Description.default(''), available: z.boolean().default(true) }).strict();
export type FoodItemInput = z.output<typeof FoodItemInput>;

export const BarItemInput = z.object({ ...barFields, description: Description.default(''), available: z.boolean().default(true) }).strict();
export type BarItemInput = z.output<typeof BarItemInput>;

export type MenuItemInputOf<K extends MenuKind> = K extends 'food' ? FoodItemInput : BarItemInput;

export const FoodItemPatch = z.object(foodFields).partial().strict();
export type FoodItemPatch = z.output<typeof FoodItemPatch>;

export const BarItemPatch = z.object(barFields).partial().strict();
export type BarItemPatch = z.output<typeof BarItemPatch>;

export type MenuItemPatchOf<K extends MenuKind> = K extends 'food' ? FoodItemPatch : BarItemPatch;

const changesSomething = (patch: object) => Object.values(patch).some((value) => value !== undefined);
const NOTHING_TO_CHANGE = 'must change at least one field';

type ListFilter<C> = { category?: C | undefined; available?: boolean | undefined } | undefined;
type Update<P> = { items: (P & { id: number })[] };

/**
 * The schemas of one kind's procedures. Written as an interface over `K` so the shared router factory
 * gets exact types for each kind (and clients get exact input and output types per procedure).
 */
export interface MenuKindSchemas<K extends MenuKind> {
  kind: K;
  item: z.ZodType<MenuItemOf<K>, MenuItemOf<K>>;
  list: z.ZodType<ListFilter<MenuItemOf<K>['category']>, ListFilter<MenuItemOf<K>['category']>>;
  get: z.ZodType<{ id: number }, { id: number }>;
  create: z.ZodType<{ items: MenuItemInputOf<K>[] }, { items: z.input<K extends 'food' ? typeof FoodItemInput : typeof BarItemInput>[] }>;
  update: z.ZodType<Update<MenuItemPatchOf<K>>, Update<MenuItemPatchOf<K>>>;
  updateAll: z.ZodType<{ patch: MenuItemPatchOf<K> }, { patch: MenuItemPatchOf<K> }>;
  delete: z.ZodType<{ id: number }, { id: number }>;
}

const ItemsOf = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must hold at least one item').max(500, 'must hold at most 500 items');

/** An update's items: each changes something, and no id appears twice (its last patch would silently win). */
const UpdateItems = <T extends z.ZodType<{ id: number }>>(item: T) =>
  ItemsOf(item.refine(({ id: _id, ...patch }) => changesSomething(patch), NOTHING_TO_CHANGE)).superRefine((items, ctx) => {
    const seen = new Set<number>();
    items.forEach((entry, index) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `id ${entry.id} appears more than once` });
      seen.add(entry.id);
    });
  });

const ById = z.object({ id: MenuItemId }).strict();

/**
 * One kind's procedure schemas, from its item's schemas: as stored, the list filter's category, as created,
 * as patched, and as patched with the id of the item it changes.
 */
const kindSchemas = <
  Item extends z.ZodType,
  Category extends z.ZodEnum,
  Input extends z.ZodType,
  Patch extends z.ZodType<object>,
  PatchById extends z.ZodType<{ id: number }>,
>(
  item: Item,
  category: Category,
  input: Input,
  patch: Patch,
  patchById: PatchById,
) => ({
  item,
  list: z.object({ category: category.optional(), available: z.boolean().optional() }).strict().optional(),
  get: ById,
  create: z.object({ items: ItemsOf(input) }).strict(),
  update: z.object({ items: UpdateItems(patchById) }).strict(),
  updateAll: z.object({ patch: patch.refine(changesSomething, NOTHING_TO_CHANGE) }).strict(),
  delete: ById,
});

export const menuSchemas: { [K in MenuKind]: MenuKindSchemas<K> } = {
  food: { kind: 'food', ...kindSchemas(FoodItem, FoodCategory, FoodItemInput, FoodItemPatch, FoodItemPatch.extend({ id: MenuItemId }).strict()) },
  bar: { kind: 'bar', ...kindSchemas(BarItem, BarCategory, BarItemInput, BarItemPatch, BarItemPatch.extend({ id: MenuItemId }).strict()) },
};

export const QuoteItem = z
  .object({
    kind: MenuKind,
    id: MenuItemId,
    quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
  })
  .strict();
export type QuoteItem = z.infer<typeof QuoteItem>;

export const QuoteInput = z.object({ items: z.array(QuoteItem).min(1, 'must hold at least one item').max(50, 'must hold at most 50 items') }).strict();

export const Quote = z.object({ lines: z.array(OrderLine), total: Money });
export type Quote = z.infer<typeof Quote>;
