import { servesLocalInfile, sqlFamilyOf, withLocalInfile } from '@delivery/events';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { newestPerOrder } from '../order-view/order-view.repository';
import { dropNextTableSecondaryIndexes } from './next-table-indexes.repository';
import { upsertStatements } from './order-view-upsert.statements';
import { loadOrderViewsStatement, orderViewsFile } from './order-view-infile';
import { asProjectionsDb, type OrderViewRow, type OrderViewTableName } from '../order-view/order-view.table';

/** Whether a table of the current database (MySQL) or schema (PostgreSQL) exists. */
export async function tableExists<DB>(db: Kysely<DB>, table: OrderViewTableName): Promise<boolean> {
  const schema = sqlFamilyOf(db) === 'mysql' ? sql`database()` : sql`current_schema()`;
  const { rows } = await sql<{ found: number | string }>`
    select count(*) as found from information_schema.tables
    where table_schema = ${schema} and table_name = ${table}`.execute(db);
  return Number(rows[0]?.found ?? 0) > 0;
}

/**
 * An empty `order_view_next` with exactly the live table's columns and primary key, ready to be filled:
 * its secondary indexes come before the switch (`addLiveIndexesToNextTable`, see next-table-indexes.repository.ts).
 */
export async function createEmptyNextTable<DB>(db: Kysely<DB>): Promise<void> {
  await sql`drop table if exists order_view_next`.execute(db);
  if (sqlFamilyOf(db) === 'mysql') await sql`create table order_view_next like order_view`.execute(db);
  else await sql`create table order_view_next (like order_view including all)`.execute(db);
  await dropNextTableSecondaryIndexes(db);
}

export async function dropOrderViewTable<DB>(db: Kysely<DB>, table: Exclude<OrderViewTableName, 'order_view'>): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}

/**
 * Puts the rebuilt table in place of the live one, atomically: every query sees either the old table or
 * the new one under the name `order_view`, never no table. MySQL: one RENAME of two tables. PostgreSQL:
 * two ALTER TABLE ... RENAME in one transaction (a query queued behind their lock looks the name up
 * again once it gets the lock, so it reads the new table), plus the index names, which PostgreSQL keeps
 * per schema rather than per table: the new table's indexes take the live names, so migrations that
 * name an index keep finding it after any number of replays.
 * Takes `db`, not a transaction: on PGlite a caller's transaction must not be waited for from outside it.
 * @example await swapInNextTable(db);
 */
export async function swapInNextTable<DB>(db: Kysely<DB>): Promise<void> {
  if (sqlFamilyOf(db) === 'mysql') {
    await sql`rename table order_view to order_view_old, order_view_next to order_view`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await sql`alter table order_view rename to order_view_old`.execute(trx);
    await sql`alter table order_view_next rename to order_view`.execute(trx);
    await handOverIndexNames(trx);
  });
}

interface PostgresIndex {
  name: string;
  table: 'order_view' | 'order_view_old';
  /** The definition from `USING` on, with uniqueness: equal for an index and its `LIKE ... INCLUDING ALL` copy. */
  shape: string;
}

/** Renames the old table's indexes out of the way, then gives each new index the name of its old twin. */
async function handOverIndexNames<DB>(trx: Kysely<DB>): Promise<void> {
  const { rows } = await sql<PostgresIndex>`
    select i.relname as name, t.relname as "table",
      (case when x.indisprimary then 'primary ' when x.indisunique then 'unique ' else '' end)
        || substring(pg_get_indexdef(x.indexrelid) from ' USING .*$') as shape
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    where t.relname in ('order_view', 'order_view_old')
      and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())
    order by i.relname`.execute(trx);
  const old = rows.filter((index) => index.table === 'order_view_old');
  for (const [n, index] of old.entries()) {
    await sql`alter index ${sql.ref(index.name)} rename to ${sql.ref(`order_view_old_${n + 1}`)}`.execute(trx);
  }
  for (const index of rows.filter((candidate) => candidate.table === 'order_view')) {
    const twin = old.find((candidate) => candidate.shape === index.shape);
    if (twin && twin.name !== index.name) await sql`alter index ${sql.ref(index.name)} rename to ${sql.ref(twin.name)}`.execute(trx);
  }
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
  const columns = { position: position.toString(), updated_at: now };
  const insert = asProjectionsDb(db)
    .insertInto('projection_checkpoints')
    .values({ name, ...columns });
  if (sqlFamilyOf(db) === 'mysql') await insert.onDuplicateKeyUpdate(columns).execute();
  else await insert.onConflict((conflict) => conflict.column('name').doUpdateSet(columns)).execute();
}

export async function deleteCheckpoint<DB>(db: Kysely<DB>, name: string): Promise<void> {
  await asProjectionsDb(db).deleteFrom('projection_checkpoints').where('name', '=', name).execute();
}

const TABLES: ReadonlySet<OrderViewTableName> = new Set(['order_view', 'order_view_next', 'order_view_old']);

/**
 * Writes rows with the rule of `upsertOrderViewsIfNewer` ("the higher version wins", so a row never
 * goes back to an older version), in multi-row statements (order-view-upsert.statements.ts).
 * Call it in the transaction that saves the checkpoint covering the rows.
 * @example await upsertReplayedOrderViews(trx, 'order_view_next', rows);
 */
export async function upsertReplayedOrderViews<DB>(db: Kysely<DB>, table: OrderViewTableName, rows: readonly OrderViewRow[]): Promise<void> {
  if (!TABLES.has(table)) throw new RangeError(`not an order view table: ${table}`);
  // Primary-key order: neighbouring rows land on the same index pages, and every writer locks in one order.
  for (const { sql: text, parameters } of upsertStatements(sqlFamilyOf(db), table, newestPerOrder(rows))) {
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  }
}

/** LOAD DATA changed or cut a value rather than fail (its LOCAL form turns errors into warnings): the batch must be written another way. */
export class LoadWarningsError extends Error {
  constructor(readonly warnings: number) {
    super(`LOAD DATA into order_view_next gave ${warnings} warnings`);
    this.name = 'LoadWarningsError';
  }
}

/**
 * Whether `loadRebuiltOrderViews` can run on `db`: a pool of `createMysqlDb` (which serves the file)
 * on a server that allows LOAD DATA LOCAL.
 */
export async function canLoadRebuiltOrderViews<DB>(db: Kysely<DB>): Promise<boolean> {
  if (sqlFamilyOf(db) !== 'mysql' || !servesLocalInfile(db)) return false;
  const { rows } = await sql<{ allowed: number | string }>`select @@global.local_infile as allowed`.execute(db);
  return Number(rows[0]?.allowed) === 1;
}

/**
 * Writes rebuilt rows to `order_view_next` with one LOAD DATA LOCAL INFILE (order-view-infile.ts says
 * why REPLACE is right there). Call it in the transaction that saves the checkpoint covering the rows.
 * @throws LoadWarningsError when the server warned: roll the transaction back and write with `upsertReplayedOrderViews`, which fails where the load only warned.
 * @example await loadRebuiltOrderViews(trx, rows);
 */
export async function loadRebuiltOrderViews<DB>(db: Kysely<DB>, rows: readonly OrderViewRow[]): Promise<void> {
  if (rows.length === 0) return;
  await withLocalInfile(orderViewsFile(newestPerOrder(rows)), (name) => db.executeQuery(CompiledQuery.raw(loadOrderViewsStatement(name))));
  const { rows: counted } = await sql<{ warnings: number | string }>`select @@warning_count as warnings`.execute(db);
  const warnings = Number(counted[0]?.warnings ?? 0);
  if (warnings > 0) throw new LoadWarningsError(warnings);
}
