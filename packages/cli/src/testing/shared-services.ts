import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * One of the machine's shared services, for the fault tier only: stopping it breaks every other test
 * running, so a fault run holds the exclusive lock on /tmp/delivery-services.lock (everyone else holds
 * it shared) and brings the service back in a `finally`.
 */
export interface SharedService {
  name: string;
  stop(): Promise<void>;
  /** Starts it and resolves once it answers queries again. */
  start(): Promise<void>;
}

/** Polls `answers` until it resolves true, for at most `timeoutMs`. */
async function waitUntil(what: string, answers: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not come back within ${timeoutMs} ms`);
}

/** True once nothing listens on the port any more. */
const portClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

/** The machine's MariaDB: stopped by `mariadb-admin shutdown` (it ends the server by its pid file), never by name. */
export const sharedMariadb: SharedService = {
  name: 'MariaDB',
  async stop() {
    await run('mariadb-admin', ['--user=root', 'shutdown']);
    await waitUntil('MariaDB shutdown', () => portClosed(3306));
  },
  async start() {
    await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
    await waitUntil('MariaDB', () => run('mariadb', ['--user=root', '--host=127.0.0.1', '--execute=SELECT 1']).then(() => true));
  },
};

async function postgresCluster(action: 'stop' | 'start'): Promise<void> {
  const [version] = await readdir('/etc/postgresql');
  if (!version) throw new Error('no PostgreSQL cluster in /etc/postgresql');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action]);
}

/** The machine's PostgreSQL cluster, through `pg_ctlcluster`. */
export const sharedPostgres: SharedService = {
  name: 'PostgreSQL',
  stop: () => postgresCluster('stop'),
  async start() {
    await postgresCluster('start');
    await waitUntil('PostgreSQL', () => run('psql', ['--host=127.0.0.1', '--username=postgres', '--dbname=postgres', '--command=SELECT 1']).then(() => true));
  },
};
