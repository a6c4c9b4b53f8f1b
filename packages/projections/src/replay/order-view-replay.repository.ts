import { sql, type Kysely } from 'kysely';
import { asProjectionsDb, type OrderViewTableName } from '../order-view/order-view.table';

/** Whether a table of the current database exists. */
export async function tableExists<DB>(db: Kysely<DB>, table: OrderViewTableName): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    select count(*) as found from information_schema.tables
    where table_schema = database() and table_name = ${table}`.execute(db);
  return Number(rows[0]?.found ?? 0) > 0;
}

/** An empty `order_view_next` with exactly the live table's columns and indexes. */
export async function createEmptyNextTable<DB>(db: Kysely<DB>): Promise<void> {
  await sql`drop table if exists order_view_next`.execute(db);
  await sql`create table order_view_next like order_view`.execute(db);
}

export async function dropOrderViewTable<DB>(db: Kysely<DB>, table: Exclude<OrderViewTableName, 'order_view'>): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}

/**
 * Puts the rebuilt table in place of the live one. One RENAME of two tables is atomic: every query sees
 * either the old table or the new one under the name `order_view`, never no table.
 */
export async function swapInNextTable<DB>(db: Kysely<DB>): Promise<void> {
  await sql`rename table order_view to order_view_old, order_view_next to order_view`.execute(db);
}

/** The orders whose row in `order_view_old` is ahead of (or missing from) `order_view`, and that old version. */
export async function findOrdersAheadInOldTable<DB>(db: Kysely<DB>): Promise<{ orderId: string; version: number }[]> {
  const rows = await asProjectionsDb(db)
    .selectFrom('order_view_old as old')
    .leftJoin('order_view as live', 'live.order_id', 'old.order_id')
    .select(['old.order_id', 'old.version'])
    .where((eb) => eb.or([eb('live.order_id', 'is', null), eb('live.version', '<', eb.ref('old.version'))]))
    .execute();
  return rows.map((row) => ({ orderId: row.order_id, version: row.version }));
}

export async function readCheckpoint<DB>(db: Kysely<DB>, name: string): Promise<bigint | null> {
  const row = await asProjectionsDb(db).selectFrom('projection_checkpoints').select('position').where('name', '=', name).executeTakeFirst();
  return row ? BigInt(row.position) : null;
}

/** Sets a checkpoint; call it in the transaction that writes the rows it covers. */
export async function saveCheckpoint<DB>(db: Kysely<DB>, name: string, position: bigint, now: Date): Promise<void> {
  await asProjectionsDb(db)
    .insertInto('projection_checkpoints')
    .values({ name, position: position.toString(), updated_at: now })
    .onDuplicateKeyUpdate({ position: position.toString(), updated_at: now })
    .execute();
}

export async function deleteCheckpoint<DB>(db: Kysely<DB>, name: string): Promise<void> {
  await asProjectionsDb(db).deleteFrom('projection_checkpoints').where('name', '=', name).execute();
}

/**
 * Runs `work` while holding a MySQL named lock (scoped to this database), so two replays never interleave.
 * @throws Error at once when another process holds the lock.
 */
export async function withNamedLock<DB, T>(db: Kysely<DB>, name: string, work: () => Promise<T>): Promise<T> {
  // A named lock belongs to a session: hold one pooled connection for the whole run.
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ acquired: number | null }>`select get_lock(concat(database(), '.', ${name}), 0) as acquired`.execute(connection);
    if (Number(rows[0]?.acquired) !== 1) throw new Error(`${name} is already running in another process`);
    try {
      return await work();
    } finally {
      await sql`select release_lock(concat(database(), '.', ${name}))`.execute(connection);
    }
  });
}
