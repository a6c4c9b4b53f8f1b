import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface KeptEmail {
  /** The file name, which is also its id in `/dev/mail/<name>`. */
  name: string;
  date: string | null;
  to: string | null;
  subject: string | null;
}

const EML_NAME = /^[A-Za-z0-9_.-]+\.eml$/;
const HEAD_BYTES = 16 * 1024;

/** The emails kept in `folder`, newest first, with their headers. A missing folder holds none. */
export async function listKeptEmails(folder: string, limit = 200): Promise<KeptEmail[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const newest = names
    .filter((name) => EML_NAME.test(name))
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(newest.map(async (name) => ({ name, ...(await readHeaders(join(folder, name))) })));
}

/** One kept email as written, or null when there is no such file (or the name is not a plain .eml name). */
export async function readKeptEmail(folder: string, name: string): Promise<Buffer | null> {
  if (!EML_NAME.test(name)) return null;
  return readFile(join(folder, name)).catch(() => null);
}

async function readHeaders(path: string): Promise<Omit<KeptEmail, 'name'>> {
  const file = await open(path);
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    const head =
      buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .split(/\r?\n\r?\n/)[0] ?? '';
    // Unfold continuation lines, then take the first value of each header we show.
    const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
    const header = (name: string) =>
      lines
        .find((line) => line.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim() ?? null;
    return { date: header('date'), to: header('to'), subject: header('subject') };
  } finally {
    await file.close();
  }
}
