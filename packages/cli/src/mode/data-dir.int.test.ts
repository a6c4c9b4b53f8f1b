import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './data-dir';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function newDataDir(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'data-dir-'));
  folders.push(folder);
  return folder;
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

describe('the data folder lock', () => {
  it('is held by one process at a time, and free again once released', async () => {
    const dataDir = await newDataDir();
    const lock = await lockDataDir(dataDir);
    expect(JSON.parse(await readFile(join(dataDir, 'LOCK'), 'utf8'))).toEqual({ pid: process.pid, url: null });
    await lock.advertise('http://127.0.0.1:3000');
    expect(JSON.parse(await readFile(join(dataDir, 'LOCK'), 'utf8'))).toEqual({ pid: process.pid, url: 'http://127.0.0.1:3000' });
    await lock.release();
    const again = await lockDataDir(dataDir);
    await again.release();
  });

  it('refuses a folder a live process holds, naming it', async () => {
    const dataDir = await newDataDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(join(dataDir, 'LOCK'), JSON.stringify({ pid: holder.pid, url: 'http://127.0.0.1:3999' }));
      const error = await lockDataDir(dataDir).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataDirInUseError);
      expect(error).toMatchObject({ pid: holder.pid, url: 'http://127.0.0.1:3999' });
      expect((error as Error).message).toContain(`in use by process ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'LOCK'), JSON.stringify({ pid: await deadPid(), url: null }));
    const lock = await lockDataDir(dataDir);
    expect(JSON.parse(await readFile(join(dataDir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });
});
