import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../testing/system-harness';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/sdk-example.sh', import.meta.url));

describe('the example client app, installed from the packed SDK tarball', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem({ deliveryDelayMs: 200, processes: ['api', 'relay', 'projection', 'vendor'] });
  });
  afterAll(() => system?.stop());

  it('typechecks, places an order and follows it live to delivered', async () => {
    const token = await system.customerToken('example-app');
    const { stdout } = await promisify(execFile)('bash', [SCRIPT], {
      env: { ...process.env, API_URL: system.apiUrl, TOKEN: token },
      timeout: 240_000,
    });
    expect(stdout).toMatch(/ok .*-> delivered/);
  });
});
