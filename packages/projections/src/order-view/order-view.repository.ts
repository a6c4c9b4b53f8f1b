import { OrderLine, OrderStatus, sqlFamilyOf, ValidationError } from '@delivery/events';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { decodeOrderCursor, encodeOrderCursor } from './order-view.cursor';
import { toOrder, type Order, type OrderPage } from './order.schema';
import { asProjectionsDb, type NewOrderViewColumns, type OrderViewColumns, type OrderViewRow, type OrderViewTableName } from './order-view.table';

export const ORDER_LIST_DEFAULT_LIMIT = 20;
export const ORDER_LIST_MAX_LIMIT = 100;

const StoredLines = z.array(OrderLine);

// Rows are validated on the way out like any other boundary: a bad row fails loudly, not in a client.
function fromColumns(columns: OrderViewColumns): OrderViewRow {
  return {
    orderId: columns.order_id,
    customerId: columns.customer_id,
    email: columns.email,
    status: OrderStatus.parse(columns.status),
    lines: StoredLines.parse(JSON.parse(columns.lines)),
    total: columns.total,
    createdAt: columns.created_at.toISOString(),
    updatedAt: columns.updated_at.toISOString(),
    version: columns.version,
  };
}

function toColumns(row: OrderViewRow): NewOrderViewColumns {
  return {
    order_id: row.orderId,
    customer_id: row.customerId,
    email: row.email,
    status: row.status,
    lines: JSON.stringify(row.lines),
    total: row.total,
    created_at: new Date(row.createdAt),
    updated_at: new Date(row.updatedAt),
    version: row.version,
  };
}

/** The whole read-model row of an order (owner included): for the projector and owner checks, not for clients. */
export async function getOrderView<DB>(db: Kysely<DB>, orderId: string, table: OrderViewTableName = 'order_view'): Promise<OrderViewRow | null> {
  const columns = await asProjectionsDb(db).selectFrom(table).selectAll().where('order_id', '=', orderId).executeTakeFirst();
  return columns ? fromColumns(columns) : null;
}

/** The public `Order`, or null when the read model does not have it (yet). */
export async function getOrder<DB>(db: Kysely<DB>, orderId: string): Promise<Order | null> {
  const row = await getOrderView(db, orderId);
  return row ? toOrder(row) : null;
}

/**
 * The `Order` with its owner, in one read, so the API can answer NOT_FOUND to anyone but the owner,
 * a vendor or an admin (BOLA) without returning the owner to clients.
 * @example const found = await getOrderWithOwner(db, orderId); if (!found || !canRead(actor, found.ownerId)) throw new NotFoundError(...);
 */
export async function getOrderWithOwner<DB>(db: Kysely<DB>, orderId: string): Promise<{ order: Order; ownerId: string } | null> {
  const row = await getOrderView(db, orderId);
  return row ? { order: toOrder(row), ownerId: row.customerId } : null;
}

export interface ListOrdersQuery {
  /** Only this owner's orders (customers); omitted for vendors and admins. */
  customerId?: string;
  status?: OrderStatus;
  /** 1..100, default 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

/**
 * One page of orders, newest first (ties by order id), and the cursor of the next page (null on the last).
 * @throws ValidationError for a limit out of range or a cursor this function did not make.
 * @example
 * let cursor: string | null = null;
 * do { const page = await listOrders(db, { customerId, cursor }); cursor = page.nextCursor; } while (cursor);
 */
export async function listOrders<DB>(db: Kysely<DB>, query: ListOrdersQuery = {}): Promise<OrderPage> {
  const limit = query.limit ?? ORDER_LIST_DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > ORDER_LIST_MAX_LIMIT) {
    throw new ValidationError('limit', `must be an integer from 1 to ${ORDER_LIST_MAX_LIMIT}`);
  }
  const after = query.cursor ? decodeOrderCursor(query.cursor) : null;
  const rows = await asProjectionsDb(db)
    .selectFrom('order_view')
    .selectAll()
    .$if(query.customerId !== undefined, (q) => q.where('customer_id', '=', query.customerId ?? ''))
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status ?? 'pending'))
    .$if(after !== null, (q) => {
      const createdAt = new Date(after?.createdAt ?? 0);
      // Spelled out rather than a row comparison, which not every MySQL/MariaDB version turns into an index range.
      return q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('order_id', '<', after?.orderId ?? '')])]));
    })
    .orderBy('created_at', 'desc')
    .orderBy('order_id', 'desc')
    // One more than asked tells whether a next page exists without a count.
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((columns) => toOrder(fromColumns(columns)));
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeOrderCursor({ createdAt: last.createdAt, orderId: last.orderId }) : null;
  return { items, nextCursor };
}

/** Reads an order's row and locks it (or the gap where it would go) until the transaction ends. */
export async function lockOrderView<DB>(trx: Kysely<DB>, orderId: string): Promise<OrderViewRow | null> {
  const columns = await asProjectionsDb(trx).selectFrom('order_view').selectAll().where('order_id', '=', orderId).forUpdate().executeTakeFirst();
  return columns ? fromColumns(columns) : null;
}

/**
 * Inserts the first row of an order.
 * @throws the driver's duplicate-key error (MySQL errno 1062, SQLSTATE 23505) when another writer inserted it first.
 */
export async function insertOrderView<DB>(trx: Kysely<DB>, row: OrderViewRow): Promise<void> {
  await asProjectionsDb(trx).insertInto('order_view').values(toColumns(row)).execute();
}

/** Overwrites a row only if it still has `expectedVersion`; false when it did not (someone moved it on). */
export async function updateOrderViewIfVersion<DB>(trx: Kysely<DB>, row: OrderViewRow, expectedVersion: number): Promise<boolean> {
  const { order_id: orderId, ...columns } = toColumns(row);
  const result = await asProjectionsDb(trx)
    .updateTable('order_view')
    .set(columns)
    .where('order_id', '=', orderId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Writes rows in one statement, each only where it is newer than the stored one (or absent). A row at a
 * given version is a pure fold of its stream's first events, so "the higher version wins" is always right,
 * whoever computed it and whatever it read before. Of two rows of one order, the newer is written.
 * @example await upsertOrderViewsIfNewer(db, rows, 'order_view_next');
 */
export async function upsertOrderViewsIfNewer<DB>(db: Kysely<DB>, rows: readonly OrderViewRow[], table: OrderViewTableName = 'order_view'): Promise<void> {
  if (rows.length === 0) return;
  const insert = asProjectionsDb(db).insertInto(table).values(newestPerOrder(rows).map(toColumns));
  if (sqlFamilyOf(db) === 'postgres') {
    await insert
      .onConflict((conflict) =>
        conflict
          .column('order_id')
          .doUpdateSet((eb) => ({
            customer_id: eb.ref('excluded.customer_id'),
            email: eb.ref('excluded.email'),
            status: eb.ref('excluded.status'),
            lines: eb.ref('excluded.lines'),
            total: eb.ref('excluded.total'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
            version: eb.ref('excluded.version'),
          }))
          .where(sql.ref('excluded.version'), '>', sql.ref(`${table}.version`)),
      )
      .execute();
    return;
  }
  const newer = sql<boolean>`values(${sql.ref('version')}) > ${sql.ref('version')}`;
  const pick = <C extends Exclude<keyof OrderViewColumns, 'order_id'>>(column: C) =>
    sql<OrderViewColumns[C]>`if(${newer}, values(${sql.ref(column)}), ${sql.ref(column)})`;
  await insert
    .onDuplicateKeyUpdate({
      customer_id: pick('customer_id'),
      email: pick('email'),
      status: pick('status'),
      lines: pick('lines'),
      total: pick('total'),
      created_at: pick('created_at'),
      updated_at: pick('updated_at'),
      // Last: MySQL evaluates these left to right, and every column above must compare with the old version.
      version: pick('version'),
    })
    .execute();
}

/**
 * One row per order, the highest version of each, in order id order (every writer then locks rows in
 * one order). PostgreSQL refuses an upsert that meets one row twice; MySQL would keep the newer anyway.
 * @example const rows = newestPerOrder([placed, accepted]); // [accepted]
 */
export function newestPerOrder(rows: readonly OrderViewRow[]): OrderViewRow[] {
  const newest = new Map<string, OrderViewRow>();
  for (const row of rows) {
    const kept = newest.get(row.orderId);
    if (!kept || row.version > kept.version) newest.set(row.orderId, row);
  }
  return [...newest.values()].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
}

/** The rows of these orders that exist in `table`. */
export async function getOrderViews<DB>(db: Kysely<DB>, orderIds: readonly string[], table: OrderViewTableName = 'order_view'): Promise<OrderViewRow[]> {
  if (orderIds.length === 0) return [];
  const rows = await asProjectionsDb(db).selectFrom(table).selectAll().where('order_id', 'in', orderIds).execute();
  return rows.map(fromColumns);
}

/** Every row of a read-model table in order id order: for comparing two read models row for row. */
export async function listAllOrderViews<DB>(db: Kysely<DB>, table: OrderViewTableName = 'order_view'): Promise<OrderViewRow[]> {
  const rows = await asProjectionsDb(db).selectFrom(table).selectAll().orderBy('order_id').execute();
  return rows.map(fromColumns);
}
