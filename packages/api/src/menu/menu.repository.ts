import { NotFoundError, type MenuKind } from '@delivery/events';
import { type ColumnType, type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { MenuItemInputOf, MenuItemOf, MenuItemPatchOf } from './menu.schemas';
import { type MenuDatabase, menuTables } from './menu.table';

/*
 * Food and bar tables share every column but `alcohol_content`. The functions below are written once
 * against this common view of both; the only difference, that column, is mapped by `kind`.
 */
interface AnyMenuItemsTable {
  id: Generated<number>;
  name: string;
  description: Generated<string>;
  price: ColumnType<string, string, string>;
  available: Generated<boolean>;
  category: string;
  alcohol_content: ColumnType<string | null, string | undefined, string | undefined>;
  updated_at: Generated<Date>;
}
type MenuTableName = (typeof menuTables)[MenuKind];
type AnyMenuDatabase = Record<MenuTableName, AnyMenuItemsTable>;
/** The fields of an input or a patch of either kind, as the common view writes them. */
interface AnyMenuFields {
  name?: string;
  description?: string;
  price?: string;
  available?: boolean;
  category?: string;
  alcoholContent?: string;
}
type AnyMenuRow = Selectable<AnyMenuItemsTable>;

const anyMenu = (db: Kysely<MenuDatabase>) => db as unknown as Kysely<AnyMenuDatabase>;
const tableOf = (kind: MenuKind): MenuTableName => menuTables[kind];

function toItem<K extends MenuKind>(kind: K, row: AnyMenuRow): MenuItemOf<K> {
  // Fields are picked one by one so no column (updated_at, ...) leaks into the API.
  const item = { id: row.id, name: row.name, description: row.description, price: row.price, available: row.available, category: row.category };
  return (kind === 'bar' ? { ...item, alcoholContent: row.alcohol_content } : item) as MenuItemOf<K>;
}

/** Undefined fields are left out of the statement by Kysely, so a patch only touches what it names. */
function toColumns(fields: object) {
  const patch = fields as AnyMenuFields;
  return {
    name: patch.name,
    description: patch.description,
    price: patch.price,
    available: patch.available,
    category: patch.category,
    alcohol_content: patch.alcoholContent,
  };
}

const notFound = (kind: MenuKind, id: number, field?: string) => new NotFoundError(`${field ? `${field}: ` : ''}no ${kind} item with id ${id}`);

export interface MenuListFilter {
  category?: string | undefined;
  available?: boolean | undefined;
}

export async function listMenuItems<K extends MenuKind>(db: Kysely<MenuDatabase>, kind: K, filter: MenuListFilter = {}): Promise<MenuItemOf<K>[]> {
  let query = anyMenu(db).selectFrom(tableOf(kind)).selectAll().orderBy('id');
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  if (filter.available !== undefined) query = query.where('available', '=', filter.available);
  return (await query.execute()).map((row) => toItem(kind, row));
}

/** @throws NotFoundError when no item has this id. */
export async function getMenuItem<K extends MenuKind>(db: Kysely<MenuDatabase>, kind: K, id: number): Promise<MenuItemOf<K>> {
  const row = await anyMenu(db).selectFrom(tableOf(kind)).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(kind, id);
  return toItem(kind, row);
}

/** The items with these ids that exist, by id. */
export async function findMenuItemsByIds<K extends MenuKind>(db: Kysely<MenuDatabase>, kind: K, ids: readonly number[]): Promise<Map<number, MenuItemOf<K>>> {
  if (ids.length === 0) return new Map();
  const rows = await anyMenu(db)
    .selectFrom(tableOf(kind))
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, toItem(kind, row)]));
}

/** What pricing an order needs of a menu item. */
export interface MenuPrice {
  name: string;
  price: string;
  available: boolean;
}

/**
 * The name, price and availability of the items with these ids that exist, of both kinds, in one
 * statement (a `union all` of the two tables), by kind and id.
 * @example const prices = await findMenuPrices(db, { food: [1, 3], bar: [2] }); prices.food.get(3)?.price;
 */
export async function findMenuPrices(db: Kysely<MenuDatabase>, ids: Record<MenuKind, readonly number[]>): Promise<Record<MenuKind, Map<number, MenuPrice>>> {
  const prices: Record<MenuKind, Map<number, MenuPrice>> = { food: new Map(), bar: new Map() };
  const selectOf = (kind: MenuKind) =>
    anyMenu(db)
      .selectFrom(tableOf(kind))
      .select([sql<MenuKind>`${sql.lit(kind)}`.as('kind'), 'id', 'name', 'price', 'available'])
      .where('id', 'in', [...new Set(ids[kind])]);
  const kinds = (['food', 'bar'] as const).filter((kind) => ids[kind].length > 0);
  const [first, ...rest] = kinds.map(selectOf);
  if (!first) return prices;
  const rows = await rest.reduce((query, next) => query.unionAll(next), first).execute();
  for (const row of rows) prices[row.kind].set(row.id, { name: row.name, price: row.price, available: row.available });
  return prices;
}

/** Inserts every item or none (one statement); returns them with their ids, in input order. */
export async function createMenuItems<K extends MenuKind>(db: Kysely<MenuDatabase>, kind: K, items: readonly MenuItemInputOf<K>[]): Promise<MenuItemOf<K>[]> {
  if (items.length === 0) return [];
  const rows = await anyMenu(db)
    .insertInto(tableOf(kind))
    .values(items.map((item) => ({ ...toColumns(item), name: item.name, price: item.price, category: item.category })))
    .returningAll()
    .execute();
  // Serial ids are drawn in VALUES order, so id order is input order.
  return rows.sort((a, b) => a.id - b.id).map((row) => toItem(kind, row));
}

/**
 * Applies every patch or none, in one transaction. The rows are locked in id order first, so concurrent
 * bulk updates of overlapping items wait for each other instead of deadlocking, and an unknown id is
 * found before anything is written.
 * @throws NotFoundError naming the first unknown id (and its place in the input).
 */
export async function updateMenuItems<K extends MenuKind>(
  db: Kysely<MenuDatabase>,
  kind: K,
  patches: readonly (MenuItemPatchOf<K> & { id: number })[],
): Promise<MenuItemOf<K>[]> {
  const table = tableOf(kind);
  return anyMenu(db)
    .transaction()
    .execute(async (trx) => {
      const ids = [...new Set(patches.map((patch) => patch.id))].sort((a, b) => a - b);
      const locked = await trx.selectFrom(table).select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
      const found = new Set(locked.map((row) => row.id));
      const missing = patches.findIndex((patch) => !found.has(patch.id));
      if (missing >= 0) throw notFound(kind, patches[missing]!.id, `items[${missing}].id`);

      const updated: MenuItemOf<K>[] = [];
      for (const { id, ...patch } of patches) {
        const row = await trx
          .updateTable(table)
          .set({ ...toColumns(patch), updated_at: sql<Date>`now()` })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        updated.push(toItem(kind, row));
      }
      return updated;
    });
}

/** Applies one patch to every item of the kind, locking rows in id order as `updateMenuItems` does. */
export async function updateAllMenuItems<K extends MenuKind>(db: Kysely<MenuDatabase>, kind: K, patch: MenuItemPatchOf<K>): Promise<{ updated: number }> {
  const table = tableOf(kind);
  return anyMenu(db)
    .transaction()
    .execute(async (trx) => {
      await trx.selectFrom(table).select('id').orderBy('id').forUpdate().execute();
      const result = await trx
        .updateTable(table)
        .set({ ...toColumns(patch), updated_at: sql<Date>`now()` })
        .executeTakeFirst();
      return { updated: Number(result.numUpdatedRows) };
    });
}

/** @throws NotFoundError when no item has this id. */
export async function deleteMenuItem(db: Kysely<MenuDatabase>, kind: MenuKind, id: number): Promise<{ id: number }> {
  const row = await anyMenu(db).deleteFrom(tableOf(kind)).where('id', '=', id).returning('id').executeTakeFirst();
  if (!row) throw notFound(kind, id);
  return { id: row.id };
}

/**
 * Inserts the items only when the kind's table is empty. The table lock makes two processes seeding at
 * once insert the items once.
 */
export async function insertMenuItemsIfEmpty<K extends MenuKind>(db: Kysely<MenuDatabase>, kind: K, items: readonly MenuItemInputOf<K>[]): Promise<number> {
  const table = tableOf(kind);
  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE ${sql.table(table)} IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const existing = await anyMenu(trx).selectFrom(table).select('id').limit(1).executeTakeFirst();
    if (existing) return 0;
    return (await createMenuItems(trx, kind, items)).length;
  });
}
