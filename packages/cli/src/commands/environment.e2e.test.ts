import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';
import { testedNodeArgs } from '../testing/tested-code';

/** Runs a worker's entry point as `pnpm delivery start <name>` would, and returns how it ended. */
async function runWorker(name: 'relay' | 'email', env: Record<string, string>) {
  try {
    await promisify(execFile)(process.execPath, testedNodeArgs(name), { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, stderr: failed.stderr ?? '' };
  }
}

describe('one environment for every process', () => {
  it('names a malformed URL in the CLI instead of a raw "Invalid URL"', async () => {
    const { code, stderr } = await runCli(['token', '--role', 'admin', '--sub', 'ops'], { AMQP_URL: 'nope' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AMQP_URL: must be a URL \(amqp:, amqps:\)/);
    expect(stderr).not.toMatch(/Invalid URL/);
  });

  it('names every bad variable at once, before any command runs', async () => {
    const { code, stderr } = await runCli(['migrate'], { MYSQL_URL: 'nope', PORT: '99999', LEGACY_API_ALLOW: 'everyone' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/MYSQL_URL: /);
    expect(stderr).toMatch(/PORT: must be at most 65535/);
    expect(stderr).toMatch(/LEGACY_API_ALLOW: /);
  });

  it('refuses to start the API beyond loopback with the public development secret', async () => {
    const { code, stderr } = await runCli(['start', 'api'], { HOST: '0.0.0.0', AUTH_SECRET: '' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AUTH_SECRET: must be set when HOST is not a loopback address/);
  });

  it('gives workers the same rules as the API: an empty MYSQL_URL is unset, a bad number is named', async () => {
    const { code, stderr } = await runWorker('relay', { MYSQL_URL: '', RELAY_BATCH_SIZE: '0' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/RELAY_BATCH_SIZE: must be at least 1/);
    expect(stderr).not.toMatch(/MYSQL_URL/);
  });

  it('will not print a token that outlives TOKEN_MAX_TTL', async () => {
    const { code, stderr } = await runCli(['token', '--role', 'vendor', '--sub', 'v', '--ttl', '2d'], { TOKEN_MAX_TTL: '1d' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--ttl: at most 86400 seconds \(TOKEN_MAX_TTL\)/);
  });
});
