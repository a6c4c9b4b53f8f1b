import { spawn } from 'node:child_process';

/**
 * Runs `node <args>` as a child of this process (a load generator: it must not share the event loop of
 * what it measures) and parses the last line it prints as JSON; killed if it runs past `timeoutMs`.
 */
export async function runJsonChild<T>(args: readonly string[], timeoutMs: number): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(killer));
  const last = Buffer.concat(stdout).toString('utf8').trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`${args[0]} exited with ${String(code)}: ${Buffer.concat(stderr).toString('utf8').slice(-500) || last.slice(-500)}`);
  }
  return JSON.parse(last) as T;
}
