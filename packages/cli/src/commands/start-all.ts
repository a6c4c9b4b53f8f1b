import { join } from 'node:path';
import { loadConfig } from '@delivery/api';
import { handleProcessLifecycle, STOP_TIMEOUT_MS } from '@delivery/events';
import { resolveDeliveryMode } from '../mode/delivery-mode';
import { nodeSupportWarning } from '../node-support';
import { startDevMailbox } from '../supervisor/dev-mailbox';
import { startSupervisor } from '../supervisor/supervisor';
import { vendorTokenFor } from '../supervisor/vendor-token';

const DEV_MAILBOX_PORT = 1025;
const API_BOOT_TIMEOUT_MS = 120_000;

/**
 * `start all`: the whole system with one readable log, in the mode `resolveDeliveryMode` picks (said in the
 * first line). With the services: the API and every worker as child processes; the API starts first (it
 * creates and migrates the databases and seeds the demo menu) and the workers follow once it answers;
 * without SMTP_URL or a Gmail account, a development mailbox on loopback keeps the emails as .eml files.
 * Embedded: everything in this process on PGlite (see `startEmbeddedSystem`).
 */
export async function startAll(env: Record<string, string | undefined>): Promise<number> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const { mode, reason } = await resolveDeliveryMode(env);
  write(`delivery-system: ${mode} mode (${reason})`);
  const nodeWarning = nodeSupportWarning();
  if (nodeWarning) write(`delivery-system: ${nodeWarning}`);
  // The embedded system (PGlite, every worker in process) is loaded only in embedded mode: the services mode's
  // supervisor stays small.
  if (mode === 'embedded') return (await import('../embedded/start-embedded')).startEmbedded(env, write);
  return startWithServices(env, write);
}

async function startWithServices(env: Record<string, string | undefined>, write: (line: string) => void): Promise<number> {
  const config = loadConfig(env);
  const childEnv: Record<string, string | undefined> = {
    ...env,
    VENDOR_TOKEN: await vendorTokenFor(env),
    // The vendor worker reaches the API this supervisor runs, on whatever port it was given.
    API_URL: env.API_URL ?? `http://127.0.0.1:${config.PORT}`,
  };
  let mailbox: Awaited<ReturnType<typeof startDevMailbox>> | null = null;
  if (!env.SMTP_URL && !env.USER_EMAIL) {
    const folder = join(process.cwd(), '.data', 'mail');
    mailbox = await startDevMailbox({ folder, port: DEV_MAILBOX_PORT });
    childEnv.SMTP_URL = mailbox.url;
    // The API lists the kept emails at /dev/mail.
    childEnv.MAIL_DIR = folder;
    write(`no SMTP_URL: confirmation emails go to the development mailbox ${mailbox.url} and are written to ${folder}`);
  }

  const supervisor = startSupervisor(childEnv, write);
  // The signal goes on to every child, which stops within its own bound; the supervisor waits a little longer.
  const say = (_: object, message?: string) => write(`supervisor: ${message ?? ''}`);
  handleProcessLifecycle({ logger: { info: say, warn: say, error: say }, stopTimeoutMs: STOP_TIMEOUT_MS + 5_000 }).setStop(async (signal) => {
    supervisor.stopAll(signal);
    await supervisor.done;
    await mailbox?.close();
  });

  supervisor.start('api');
  const apiUp = await waitForHealth(`http://127.0.0.1:${config.PORT}/healthz`, supervisor.done);
  if (apiUp) {
    for (const name of ['relay', 'projection', 'email', 'vendor'] as const) supervisor.start(name);
    write(`delivery-system is up: API on http://127.0.0.1:${config.PORT} (try /trpc/menu.food.list), Ctrl-C stops everything`);
  }
  const code = await supervisor.done;
  await mailbox?.close();
  return code;
}

async function waitForHealth(url: string, exited: Promise<number>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + API_BOOT_TIMEOUT_MS;
  while (!gone && Date.now() < deadline) {
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
