import { mkdirSync } from 'node:fs';
import { Kysely } from 'kysely';
import { tracedQueries } from '../tracing/traced-queries';

/**
 * Where an embedded database lives: a folder (kept across restarts), `memory` (gone when closed), or memory
 * started from a copy of a data directory (`PGlite.dumpDataDir`), which skips initdb (5 s of CPU).
 */
export type PgliteLocation = { dataDir: string } | 'memory' | { copyOf: Blob };

/**
 * PostgreSQL compiled to WebAssembly, in this process. One session: Kysely hands its single connection
 * to one caller (a query or a whole transaction) at a time, so transactions never interleave and
 * `FOR UPDATE` locks always succeed at once. NUMERIC and BIGINT come back as strings, as from
 * `createPostgresDb`, so the same repositories read the same values from either.
 * Never run a query on the Kysely instance while holding one of its transactions: it waits for itself.
 * @example const db = await createPgliteDb({ dataDir: '.data/pglite' });
 */
export async function createPgliteDb<DB>(location: PgliteLocation): Promise<Kysely<DB>> {
  // Loaded on first use: PGlite adds about 30 MiB to every process that merely imports it.
  const [{ PGlite, types }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
  if (location !== 'memory' && 'dataDir' in location) mkdirSync(location.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(location === 'memory' ? {} : 'dataDir' in location ? { dataDir: location.dataDir } : { loadDataDir: location.copyOf }),
    parsers: { [types.INT8]: (value: string) => value, [types.NUMERIC]: (value: string) => value },
  });
  // PGlite answers on the microtask queue: a loop of queries would never let timers or sockets run
  // (the HTTP server, a relay's poll). Each answer waits for one turn of the event loop first.
  const yielding = {
    query: async (...args: Parameters<typeof pglite.query>) => {
      const result = await pglite.query(...args);
      await new Promise((resolve) => setImmediate(resolve));
      return result;
    },
    close: () => pglite.close(),
  } as unknown as typeof pglite;
  return new Kysely<DB>({ dialect: new PGliteDialect(yielding), log: tracedQueries('postgresql') });
}
