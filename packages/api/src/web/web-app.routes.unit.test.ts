import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppRoutes } from './web-app.routes';

const ORDER_ID = '0d9b2c1e-2f4a-4a8e-9a7c-1b2c3d4e5f60';

describe('the web page routes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'web-app-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>page</title>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.info(1)');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("serves the page at /app/ and at an order's tracking path, under a CSP with no inline script", async () => {
    const app = webAppRoutes({ dir });
    for (const path of ['/app/', `/orders/${ORDER_ID}`]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain('<title>page</title>');
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    }
    expect((await app.request('/app')).headers.get('location')).toBe('/app/');
  });

  it('serves built assets by their hashed names, and nothing else', async () => {
    const app = webAppRoutes({ dir });
    const asset = await app.request('/app/assets/index-abc123.js');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await app.request('/app/assets/..%2Findex.html')).status).toBe(404);
    expect((await app.request('/app/assets/missing.js')).status).toBe(404);
    expect((await app.request('/orders/not-an-order')).status).toBe(404);
  });

  it('says how to build the page when it is not built', async () => {
    const response = await webAppRoutes({ dir: join(dir, 'nowhere') }).request('/app/');
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toMatch(/pnpm --filter @delivery\/web build/);
  });
});
