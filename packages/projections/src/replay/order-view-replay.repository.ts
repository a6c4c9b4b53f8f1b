import { CompiledQuery, sql, type Kysely } from 'kysely';
import { asProjectionsDb, type OrderViewRow, type OrderViewTableName } from '../order-view/order-view.table';

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

const TABLES: ReadonlySet<OrderViewTableName> = new Set(['order_view', 'order_view_next', 'order_view_old']);
const COLUMNS = ['order_id', 'customer_id', 'email', 'status', 'lines', 'total', 'created_at', 'updated_at', 'version'] as const;
const INSERT_COLUMNS = COLUMNS.map((column) => `\`${column}\``).join(', ');
const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`;
// `version` last: MySQL evaluates the assignments left to right, and each must compare with the old version.
const ON_DUPLICATE = COLUMNS.slice(1)
  .map((column) => `\`${column}\` = if(values(\`version\`) > \`version\`, values(\`${column}\`), \`${column}\`)`)
  .join(', ');
/**
 * Bounds of one statement. Characters of values: far below max_allowed_packet (16 MiB by default) even
 * as 3-byte UTF-8, escaped. Rows: the driver's escaping of parameters into the text slows down faster
 * than linearly beyond about a thousand rows, while the server gains little from longer statements.
 */
const MAX_STATEMENT_CHARS = 2_000_000;
const MAX_STATEMENT_ROWS = 500;
/** An ISO instant in UTC with milliseconds, as the projection makes them: its DATETIME(3) text is a slice. */
const UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * Writes rows with the rule of `upsertOrderViewsIfNewer` ("the higher version wins", so a row never
 * goes back to an older version), in multi-row statements whose text is built here: a replay writes
 * millions of rows, and compiling them through the query builder cost more than the database's work.
 * Call it in the transaction that saves the checkpoint covering the rows.
 * @example await upsertReplayedOrderViews(trx, 'order_view_next', rows);
 */
export async function upsertReplayedOrderViews<DB>(db: Kysely<DB>, table: OrderViewTableName, rows: readonly OrderViewRow[]): Promise<void> {
  if (!TABLES.has(table)) throw new RangeError(`not an order view table: ${table}`);
  // Primary-key order: neighbouring rows land on the same index pages, and every writer locks in one order.
  const sorted = [...rows].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  for (let start = 0; start < sorted.length; ) {
    const parameters: unknown[] = [];
    let chars = 0;
    let end = start;
    while (end < sorted.length && end - start < MAX_STATEMENT_ROWS && chars < MAX_STATEMENT_CHARS) {
      const row = sorted[end++] as OrderViewRow;
      const lines = JSON.stringify(row.lines);
      chars += lines.length + row.customerId.length + row.email.length + 120;
      parameters.push(row.orderId, row.customerId, row.email, row.status, lines, row.total, toDatetime(row.createdAt), toDatetime(row.updatedAt), row.version);
    }
    const values = new Array<string>(end - start).fill(ROW_PLACEHOLDERS).join(', ');
    const text = `insert into \`${table}\` (${INSERT_COLUMNS}) values ${values} on duplicate key update ${ON_DUPLICATE}`;
    await db.executeQuery(CompiledQuery.raw(text, parameters));
    start = end;
  }
}

const toDatetime = (iso: string): string | Date => (UTC_MILLIS.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : new Date(iso));
