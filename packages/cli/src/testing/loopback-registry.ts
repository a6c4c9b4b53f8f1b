import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '@delivery/events/testing';
import { runCommand } from './run-command';

/** A Verdaccio npm registry on loopback that a test started; `stop()` ends it by its pid. */
export interface LoopbackRegistry {
  url: string;
  /** `.npmrc` lines that send the `@delivery` scope (only) to this registry, with the publisher's token. */
  npmrc: string;
  /** Publishes a packed tarball; resolves with npm's output. */
  publish(tarball: string): Promise<string>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

function verdaccioEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');
}

async function waitForRegistry(url: string, exited: Promise<unknown>, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`verdaccio exited before it answered:\n${output()}`);
    const answered = await fetch(`${url}/-/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`verdaccio did not answer within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * Starts Verdaccio on 127.0.0.1 with its storage in `folder`, no uplink (it serves only what is published
 * to it: every other package comes from the machine's usual registry), and a user to publish with.
 * @example const registry = await startLoopbackRegistry(folder); await registry.publish(tarball);
 */
export async function startLoopbackRegistry(folder: string): Promise<LoopbackRegistry> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await mkdir(join(folder, 'storage'), { recursive: true });
  const config = join(folder, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${join(folder, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(folder, 'htpasswd')}`,
      'uplinks: {}',
      'packages:',
      "  '@delivery/*':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: json, level: warn }',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [verdaccioEntry(), '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForRegistry(url, exited, () => output);
    // What `npm adduser` does: create the user, get a token back.
    const response = await fetch(`${url}/-/user/org.couchdb.user:publisher`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'publisher', password: 'publisher-password', type: 'user', roles: [] }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (!response.ok || !token) throw new Error(`verdaccio refused the publishing user (${response.status})`);
    const host = url.replace(/^http:/, '');
    const npmrc = `@delivery:registry=${url}/\n${host}/:_authToken=${token}\nfund=false\naudit=false\nupdate-notifier=false\n`;
    await writeFile(join(folder, '.npmrc'), npmrc);
    return {
      url,
      npmrc,
      publish: (tarball) =>
        runCommand('npm', ['publish', tarball, '--registry', `${url}/`, '--userconfig', join(folder, '.npmrc')], { cwd: folder, timeoutMs: 60_000 }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
