import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The embedded system's folder: `DATA_DIR`, or `.data/embedded` under the working directory. */
export const dataDirOf = (env: Record<string, string | undefined>): string => env.DATA_DIR ?? join(process.cwd(), '.data', 'embedded');

/** What lives where in a data folder: PGlite's files, the bus's queues, the kept emails. */
export const embeddedPaths = (dataDir: string) => ({
  pglite: join(dataDir, 'pglite'),
  bus: join(dataDir, 'bus'),
  mail: join(dataDir, 'mail'),
});

export class DataDirInUseError extends Error {
  constructor(
    dataDir: string,
    readonly pid: number,
    /** Where the holder serves the API, once it said so. */
    readonly url: string | null,
  ) {
    super(`${dataDir} is in use by process ${pid} (an embedded server${url ? ` at ${url}` : ''}): stop it first, or choose another DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

interface LockContent {
  pid: number;
  url: string | null;
}

async function readLock(path: string): Promise<LockContent | null> {
  try {
    const content = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    return Number.isInteger(content.pid) ? { pid: Number(content.pid), url: typeof content.url === 'string' ? content.url : null } : null;
  } catch {
    return null;
  }
}

export interface DataDirLock {
  /** Records where this process serves the API, so operator commands can reach it instead. */
  advertise(url: string): Promise<void>;
  release(): Promise<void>;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Claims `dataDir` for this process with a `LOCK` file holding its pid (and, once advertised, its API's
 * URL). PGlite has one session per folder and no locking of its own: two processes on one folder would
 * corrupt it. A lock left by a process that died is taken over.
 * @throws DataDirInUseError while another live process holds it.
 * @example const lock = await lockDataDir('.data/embedded'); ... await lock.release();
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(JSON.stringify({ pid: process.pid, url: null } satisfies LockContent));
      await file.close();
      return {
        advertise: (url) => writeFile(path, JSON.stringify({ pid: process.pid, url } satisfies LockContent)),
        release: () => rm(path, { force: true }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(path);
      if (holder && holder.pid > 0 && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirInUseError(dataDir, holder.pid, holder.url);
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
