import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFreshConsumer, type FreshConsumer } from '../testing/fresh-consumer';
import { startLoopbackRegistry, type LoopbackRegistry } from '../testing/loopback-registry';
import { runCommand } from '../testing/run-command';
import { startSystem, type RunningSystem } from '../testing/system-harness';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');

/**
 * The SDK as a client developer gets it: packed, published to a registry on loopback, installed by name
 * and version into fresh projects of four kinds, built, and run against the running system.
 */
describe('the SDK published to a registry and installed by version', () => {
  let system: RunningSystem;
  let registry: LoopbackRegistry;
  let work: string;
  let version: string;
  let consumers: Record<'esm' | 'commonjs' | 'pnpm' | 'bundler', FreshConsumer>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sdk-registry-'));
    version = (JSON.parse(await readFile(join(ROOT, 'packages/sdk/package.json'), 'utf8')) as { version: string }).version;
    const tarball = join(work, 'delivery-sdk.tgz');
    [system, registry] = await Promise.all([
      startSystem({ deliveryDelayMs: 200, processes: ['api', 'relay', 'projection', 'vendor'] }),
      startLoopbackRegistry(join(work, 'registry')),
      runCommand('pnpm', ['--dir', join(ROOT, 'packages/sdk'), 'pack', '--out', tarball], { cwd: ROOT, timeoutMs: 120_000 }),
    ]);
    await registry.publish(tarball);
    const install = (example: string, name: string, packageManager: 'npm' | 'pnpm') =>
      installFreshConsumer({ example: join(EXAMPLES, example), folder: join(work, name), version, npmrc: registry.npmrc, packageManager });
    const [esm, commonjs, pnpm, bundler] = await Promise.all([
      install('client-app', 'esm', 'npm'),
      install('consumers/commonjs', 'commonjs', 'npm'),
      install('consumers/pnpm-declarations', 'pnpm', 'pnpm'),
      install('consumers/bundler', 'bundler', 'npm'),
    ]);
    consumers = { esm, commonjs, pnpm, bundler };
  }, 240_000);

  afterAll(async () => {
    await Promise.all([system?.stop(), registry?.stop()]);
    if (work) await rm(work, { recursive: true, force: true, maxRetries: 5 });
  });

  it('serves the published version by name from the registry', async () => {
    const response = await fetch(`${registry.url}/@delivery%2Fsdk`);
    const document = (await response.json()) as { 'dist-tags': { latest: string }; versions: Record<string, { license?: string; devDependencies?: object }> };
    expect(document['dist-tags'].latest).toBe(version);
    expect(document.versions[version]?.license).toBe('MIT');
    expect(document.versions[version]?.devDependencies).toBeUndefined();
  });

  it('an ES module app (examples/client-app, module nodenext) typechecks, places an order and follows it live to delivered', async () => {
    const token = await system.customerToken('esm-consumer');
    const output = await consumers.esm.run({ API_URL: system.apiUrl, TOKEN: token, TIMEOUT_MS: '60000' }, 90_000);
    expect(output).toMatch(/pending +version 1[\s\S]*accepted +version 2[\s\S]*delivered +version 3/);
    expect(output).toMatch(/cancel refused as expected: the order is delivered at version 3/);
  });

  it('a CommonJS app loads it with require and places an order', async () => {
    const token = await system.customerToken('cjs-consumer');
    const output = await consumers.commonjs.run({ API_URL: system.apiUrl, TOKEN: token }, 30_000);
    const result = JSON.parse(output) as Record<string, string>;
    expect(result).toMatchObject({ consumer: 'commonjs', loadedBy: 'function' });
    expect(result.total).toMatch(/^\d+\.\d{2}$/);
    const emitted = await readFile(join(consumers.commonjs.folder, 'dist/main.js'), 'utf8');
    expect(emitted).toContain('require("@delivery/sdk")');
  });

  it('a pnpm project with declaration: true emits declarations naming the SDK types and runs', async () => {
    const declarations = await readFile(join(consumers.pnpm.folder, 'dist/menu.d.ts'), 'utf8');
    expect(declarations).not.toMatch(/\.pnpm|node_modules/);
    expect(declarations).toMatch(/export declare const menu: \(\) => Promise<\{/);
    const token = await system.customerToken('pnpm-consumer');
    const result = JSON.parse(await consumers.pnpm.run({ API_URL: system.apiUrl, TOKEN: token }, 30_000)) as Record<string, unknown>;
    expect(result).toMatchObject({ consumer: 'pnpm-declarations', quoteTotal: expect.stringMatching(/^\d+\.\d{2}$/), orders: 0 });
    expect(result.dishes).toBeGreaterThan(0);
  });

  it('a bundled app (esbuild, browser platform) places an order and follows it live', async () => {
    const token = await system.customerToken('bundler-consumer');
    const result = JSON.parse(await consumers.bundler.run({ API_URL: system.apiUrl, TOKEN: token }, 90_000)) as { statuses: string[] };
    expect(result.statuses).toEqual(['pending', 'accepted', 'delivered']);
  });
});
