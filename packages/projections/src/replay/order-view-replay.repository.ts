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
 * A named lock belongs to a session: `work` gets that session (one pooled connection, held for the whole
 * run) to use for its own statements too, so a small pool is not one connection short.
 * @throws Error at once when another process holds the lock.
 */
export async function withNamedLock<DB, T>(db: Kysely<DB>, name: string, work: (session: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (session) => {
    const { rows } = await sql<{ acquired: number | null }>`select get_lock(concat(database(), '.', ${name}), 0) as acquired`.execute(session);
    if (Number(rows[0]?.acquired) !== 1) throw new Error(`${name} is already running in another process`);
    try {
      return await work(session);
    } finally {
      await sql`select release_lock(concat(database(), '.', ${name}))`.execute(session);
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

/** Runs one batch's statements as a transaction on the batch connection and commits it (rolls back on failure). */
export type RunBatch<DB> = (body: (trx: Kysely<DB>) => Promise<void>) => Promise<void>;

const ISOLATION_LEVELS: Readonly<Record<string, string>> = {
  'READ-UNCOMMITTED': 'read uncommitted',
  'READ-COMMITTED': 'read committed',
  'REPEATABLE-READ': 'repeatable read',
  SERIALIZABLE: 'serializable',
};
const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/**
 * Runs `work` with one connection (taken from `db`'s pool, or `db`'s own when it is bound to one) set up
 * for a long series of batch transactions: READ COMMITTED (no gap locks, so the live projector's inserts
 * do not queue behind a batch) and autocommit off, so a batch costs its own statements and a COMMIT,
 * without the round trips of SET TRANSACTION and BEGIN each time. The session is set back as it was.
 * @example await withBatchConnection(db, (runBatch) => runBatch(async (trx) => { await upsertReplayedOrderViews(trx, table, rows); await saveCheckpoint(trx, ...); }));
 */
export async function withBatchConnection<DB, T>(db: Kysely<DB>, work: (runBatch: RunBatch<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    const isolation = await readSessionIsolation(connection);
    await sql`set session transaction isolation level read committed`.execute(connection);
    await sql`set autocommit = 0`.execute(connection);
    const runBatch: RunBatch<DB> = async (body) => {
      try {
        await body(connection);
        await sql`commit`.execute(connection);
      } catch (error) {
        // The batch's own error is the one to report; a failed rollback means a broken connection anyway.
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
    };
    try {
      return await work(runBatch);
    } finally {
      await sql`rollback`.execute(connection);
      await sql`set autocommit = 1`.execute(connection);
      await sql.raw(`set session transaction isolation level ${isolation}`).execute(connection);
    }
  });
}

/** The session's isolation level as SET TRANSACTION spells it (MySQL 8 and MariaDB 11 name the variable `transaction_isolation`, MariaDB 10 `tx_isolation`). */
async function readSessionIsolation<DB>(connection: Kysely<DB>): Promise<string> {
  for (const variable of ['transaction_isolation', 'tx_isolation']) {
    try {
      const { rows } = await sql<{ level: string }>`select ${sql.raw(`@@session.${variable}`)} as level`.execute(connection);
      const level = ISOLATION_LEVELS[String(rows[0]?.level).toUpperCase()];
      if (level) return level;
      throw new Error(`unknown isolation level ${String(rows[0]?.level)}`);
    } catch (error) {
      if (errnoOf(error) !== ER_UNKNOWN_SYSTEM_VARIABLE) throw error;
    }
  }
  throw new Error('the session isolation level cannot be read');
}

const errnoOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'errno' in error ? Number(error.errno) : undefined;
