import type { Kysely } from 'kysely';

/*
 * The Kysely instances made by `createMysqlDb`. Their pools keep two promises the rest of the code may rely
 * on: every session starts at READ COMMITTED (read-committed.ts), and LOAD DATA LOCAL INFILE reads only what
 * `withLocalInfile` offers (mysql-local-infile.ts).
 */
const made = new WeakSet<object>();

export function markMadeByCreateMysqlDb<DB>(db: Kysely<DB>): void {
  made.add(db);
}

export function madeByCreateMysqlDb<DB>(db: Kysely<DB>): boolean {
  return made.has(db);
}
