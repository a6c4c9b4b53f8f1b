import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testedNodeArgs } from './tested-code';

/** Runs `pnpm delivery <args>` as a process of its own (without pnpm, so no pnpm banner), with `env`. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...testedNodeArgs('cli'), ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
