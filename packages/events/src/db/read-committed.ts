import type { Kysely, TransactionBuilder } from 'kysely';
import { madeByCreateMysqlDb } from './mysql-pools';

/*
 * Every transaction of the system runs at READ COMMITTED: each plain read sees the latest commits, and a
 * locking read locks only the rows it finds (MySQL's default, REPEATABLE READ, also locks the gaps after
 * them, so appends, outbox claims and projections would queue behind one another). It is PostgreSQL's
 * default; the pools of `createMysqlDb` set it once per session, so their transactions go without the
 * SET TRANSACTION round trip Kysely would send before each BEGIN.
 */

/**
 * A READ COMMITTED transaction of `db`: a plain BEGIN where its sessions already run at that level,
 * otherwise with the level set for this transaction.
 * @example await readCommittedTransaction(db).execute(async (trx) => { ... });
 */
export function readCommittedTransaction<DB>(db: Kysely<DB>): TransactionBuilder<DB> {
  if (madeByCreateMysqlDb(db)) return db.transaction();
  return db.transaction().setIsolationLevel('read committed');
}
