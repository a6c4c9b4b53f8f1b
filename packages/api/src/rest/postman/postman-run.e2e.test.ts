import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningServer } from '../../server';
import { createTestApi, type TestApi } from '../../testing';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

let api: TestApi;
let server: RunningServer;

beforeAll(async () => {
  api = await createTestApi();
  server = await startApiServer(api.deps, 0, { hostname: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close({ graceMs: 100 });
  await api?.close();
});

describe('the committed Postman collection', () => {
  it('runs green with newman against a freshly seeded server, twice in a row', async () => {
    const tokens = await Promise.all([api.tokens.customer('postman'), api.tokens.vendor('postman-vendor'), api.tokens.admin('postman-admin')]);
    for (let round = 1; round <= 2; round++) {
      const { stdout } = await run('bash', ['scripts/postman-run.sh', server.url, ...tokens], { cwd: repoRoot, maxBuffer: 10 * 1024 * 1024 });
      expect(stdout).toMatch(/│\s+assertions │\s+\d+ │\s+0 │/);
      expect(stdout).toContain('Cancel the order');
    }
  });
});
