import { mkdir } from 'node:fs/promises';
import { saveEmlFile } from '@delivery/workers';
import { createSmtpReceiver } from '@delivery/workers/smtp-receiver';

/**
 * A development mail server on loopback for `start all` when no SMTP_URL (or Gmail account) is configured:
 * it accepts every message and writes it to `<folder>` as an .eml file (`saveEmlFile`), so the demo runs with no mail setup
 * and the confirmations can be opened in any mail client.
 */
export async function startDevMailbox(options: { folder: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  await mkdir(options.folder, { recursive: true });
  const server = createSmtpReceiver((data) => saveEmlFile(options.folder, data));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      // From now on an error is one client's (a killed email worker resetting its socket): it must not end `start all`.
      server.on('error', () => undefined);
      resolve();
    });
  });
  return {
    url: `smtp://127.0.0.1:${options.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
