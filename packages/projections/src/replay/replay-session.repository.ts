import { sqlFamilyOf } from '@delivery/events';
import { sql, type Kysely } from 'kysely';

/*
 * The sessions a replay runs on. MySQL and PostgreSQL servers: a named lock (GET_LOCK, an advisory lock)
 * held by one pooled connection for the whole run, which the run also uses for its batch transactions.
 * PGlite has one session in all, which Kysely hands to one caller at a time: holding it would leave every
 * other query of the run (the store's reads, the read model's) waiting for it forever. There the run keeps
 * no connection, and the lock lives in this process, which is the only one that can open that database.
 */

/** Runs one batch's statements as a transaction and commits it (rolls back on failure). */
export type RunBatch<DB> = (body: (trx: Kysely<DB>) => Promise<void>) => Promise<void>;

/** Names of replays running in this process, per embedded database (PGlite). */
const embeddedLocks = new WeakMap<object, Set<string>>();

/**
 * Runs `work` while holding a named lock scoped to this database, so two replays never interleave.
 * `work` gets the session to use for its batch transactions: on a server, the pooled connection that
 * holds the lock (so a small pool is not one connection short); on PGlite, `db` itself.
 * @throws Error at once when another process (or, on PGlite, another call) holds the lock.
 * @example await withNamedLock(db, 'order_view_replay', (session) => copy(session));
 */
export async function withNamedLock<DB, T>(db: Kysely<DB>, name: string, work: (session: Kysely<DB>) => Promise<T>): Promise<T> {
  if (sqlFamilyOf(db) === 'postgres' && (await isEmbeddedPostgres(db))) return withEmbeddedLock(db, name, work);
  return db.connection().execute(async (session) => {
    if (!(await tryLock(session, name))) throw new Error(`${name} is already running in another process`);
    try {
      return await work(session);
    } finally {
      await unlock(session, name);
    }
  });
}

async function tryLock<DB>(session: Kysely<DB>, name: string): Promise<boolean> {
  // MySQL's named locks are server-wide, so the name carries the database; PostgreSQL's advisory locks are per database.
  const { rows } =
    sqlFamilyOf(session) === 'mysql'
      ? await sql<{ acquired: number | null }>`select get_lock(concat(database(), '.', ${name}), 0) as acquired`.execute(session)
      : await sql<{ acquired: boolean }>`select pg_try_advisory_lock(hashtextextended(${name}, 0)) as acquired`.execute(session);
  const acquired = rows[0]?.acquired;
  return acquired === true || Number(acquired) === 1;
}

async function unlock<DB>(session: Kysely<DB>, name: string): Promise<void> {
  if (sqlFamilyOf(session) === 'mysql') await sql`select release_lock(concat(database(), '.', ${name}))`.execute(session);
  else await sql`select pg_advisory_unlock(hashtextextended(${name}, 0))`.execute(session);
}

async function withEmbeddedLock<DB, T>(db: Kysely<DB>, name: string, work: (session: Kysely<DB>) => Promise<T>): Promise<T> {
  const held = embeddedLocks.get(db) ?? new Set<string>();
  embeddedLocks.set(db, held);
  if (held.has(name)) throw new Error(`${name} is already running in this process`);
  held.add(name);
  try {
    return await work(db);
  } finally {
    held.delete(name);
  }
}

/** PGlite reports a WebAssembly build in `version()`; a PostgreSQL server never does. */
async function isEmbeddedPostgres<DB>(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ embedded: boolean }>`select version() ~* '(wasm|emscripten)' as embedded`.execute(db);
  return rows[0]?.embedded === true;
}

/**
 * Runs `work` with a way to run batch transactions one after the other. MySQL: on one connection (taken
 * from `db`'s pool, or `db`'s own when it is bound to one) set up for a long series of them: READ
 * COMMITTED (no gap locks, so the live projector's inserts do not queue behind a batch) and autocommit
 * off, so a batch costs its own statements and a COMMIT, without the round trips of SET TRANSACTION and
 * BEGIN each time; the session is set back as it was. PostgreSQL: each batch is a READ COMMITTED
 * transaction of `db` (already PostgreSQL's default, so it costs one BEGIN), holding no connection in
 * between, which PGlite needs (see above).
 * @example await withBatchConnection(db, (runBatch) => runBatch(async (trx) => { await upsertReplayedOrderViews(trx, table, rows); await saveCheckpoint(trx, ...); }));
 */
export async function withBatchConnection<DB, T>(db: Kysely<DB>, work: (runBatch: RunBatch<DB>) => Promise<T>): Promise<T> {
  if (sqlFamilyOf(db) === 'postgres') return work((body) => db.transaction().setIsolationLevel('read committed').execute(body));
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

const ISOLATION_LEVELS: Readonly<Record<string, string>> = {
  'READ-UNCOMMITTED': 'read uncommitted',
  'READ-COMMITTED': 'read committed',
  'REPEATABLE-READ': 'repeatable read',
  SERIALIZABLE: 'serializable',
};
const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

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

const errnoOf = (error: unknown): number | undefined => (typeof error === 'object' && error !== null && 'errno' in error ? Number(error.errno) : undefined);
