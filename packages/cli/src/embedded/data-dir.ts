import { mkdir, open, readFile, rm } from 'node:fs/promises';
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
  constructor(dataDir: string, pid: number) {
    super(`${dataDir} is in use by process ${pid} (an embedded server): stop it first, or choose another DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
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
 * Claims `dataDir` for this process with a `LOCK` file holding its pid. PGlite has one session per
 * folder and no locking of its own: two processes on one folder would corrupt it. A lock left by a
 * process that died is taken over.
 * @throws DataDirInUseError while another live process holds it.
 * @example const lock = await lockDataDir('.data/embedded'); ... await lock.release();
 */
export async function lockDataDir(dataDir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) throw new DataDirInUseError(dataDir, holder);
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
