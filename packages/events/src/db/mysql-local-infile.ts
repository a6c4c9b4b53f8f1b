import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { madeByCreateMysqlDb } from './mysql-pools';

/*
 * LOAD DATA LOCAL INFILE from memory. The server names the file it wants back to the client, so the
 * client must never serve what the server asks for blindly: the pools of `createMysqlDb` serve only the
 * payloads registered here, for the length of one `withLocalInfile` call, under names made here.
 */

const payloads = new Map<string, readonly Buffer[]>();
let lastName = 0;

/** The `infileStreamFactory` of `createMysqlDb`'s pools: the registered payload, or an error for any other name. */
export function localInfileStream(name: string): Readable {
  const payload = payloads.get(name);
  if (!payload) {
    const refused = new Readable({ read() {} });
    process.nextTick(() => refused.destroy(new Error(`the server asked for a local file that is not offered: ${name}`)));
    return refused;
  }
  return Readable.from(payload, { objectMode: false });
}

/** Whether `db` was made by `createMysqlDb`, so `withLocalInfile` payloads reach its statements. */
export function servesLocalInfile<DB>(db: Kysely<DB>): boolean {
  return madeByCreateMysqlDb(db);
}

/**
 * Offers `chunks` as a local file while `work` runs; `work` gets the name to put in its
 * `LOAD DATA LOCAL INFILE '<name>'` statement (a pool of `createMysqlDb` must run it).
 * @example await withLocalInfile([Buffer.from('a\t1\n')], (name) => sql.raw(`load data local infile '${name}' into table t`).execute(db));
 */
export async function withLocalInfile<T>(chunks: readonly Buffer[], work: (name: string) => Promise<T>): Promise<T> {
  const name = `delivery-local-infile-${process.pid}-${++lastName}`;
  payloads.set(name, chunks);
  try {
    return await work(name);
  } finally {
    payloads.delete(name);
  }
}
