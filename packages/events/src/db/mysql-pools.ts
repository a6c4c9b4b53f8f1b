import type { Kysely } from 'kysely';
import type { Pool } from 'mysql2';

/*
 * The Kysely instances made by `createMysqlDb`, each with the mysql2 pool under it. Their pools keep two
 * promises the rest of the code may rely on: every session starts at READ COMMITTED (read-committed.ts),
 * and LOAD DATA LOCAL INFILE reads only what `withLocalInfile` offers (mysql-local-infile.ts). The pool
 * itself serves the one read Kysely cannot make without a promise per row: a streamed `readAll`.
 */
const made = new WeakMap<object, Pool>();

export function markMadeByCreateMysqlDb<DB>(db: Kysely<DB>, pool: Pool): void {
  made.set(db, pool);
}

export function madeByCreateMysqlDb<DB>(db: Kysely<DB>): boolean {
  return made.has(db);
}

/** The pool under a Kysely of `createMysqlDb`; undefined for any other Kysely. */
export function poolOfCreateMysqlDb<DB>(db: Kysely<DB>): Pool | undefined {
  return made.get(db);
}
