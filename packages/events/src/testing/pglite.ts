import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { createPgliteDb } from '../db/pglite-database';

/**
 * The data directory of a freshly initialised PGlite, dumped once per installed PGlite build and kept in the
 * temporary folder: each test database starts from a copy of it instead of running initdb (about 1 s of CPU
 * instead of 6). It holds only what initdb writes, nothing of any test.
 */
function freshClusterFile(): string {
  const installed = realpathSync(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  const build = createHash('sha256').update(installed).digest('hex').slice(0, 16);
  return join(tmpdir(), `delivery-pglite-fresh-${build}.tar`);
}

let freshCluster: Promise<Blob> | undefined;

async function dumpFreshCluster(file: string): Promise<Blob> {
  if (existsSync(file)) return new Blob([await readFile(file)]);
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  // Written beside, then renamed: test files starting at once never read a half-written dump.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

/** A fresh PGlite database in memory, of the caller's own. */
export async function createTestPgliteDb<DB>(): Promise<Kysely<DB>> {
  freshCluster ??= dumpFreshCluster(freshClusterFile());
  return createPgliteDb<DB>({ copyOf: await freshCluster });
}
