import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let saved = 0;

/**
 * Keeps one email as `<folder>/<time>-<n>.eml` (RFC 822 as sent), for development: open it in any mail
 * client, or at the API's `/dev/mail` page. Names sort by arrival.
 * @example const path = await saveEmlFile('.data/mail', rawMessage);
 */
export async function saveEmlFile(folder: string, message: Buffer): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++saved}.eml`);
  await writeFile(path, message);
  return path;
}
