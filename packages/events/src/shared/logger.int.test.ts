import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('./logger.ts', import.meta.url));
const started: ChildProcess[] = [];

/** A process of its own that logs through `createLogger` to stdout (batched), then runs `then`. */
function logInChild(then: string): { child: ChildProcess; lines: () => string[]; exited: Promise<number | null> } {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)};
    const logger = createLogger({ name: 'logger-test' });
    logger.info({ n: 1 }, 'first');
    logger.warn({ n: 2 }, 'second');
    ${then}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines: () => output.split('\n').filter(Boolean), exited };
}

const messages = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
});

describe('createLogger on stdout (lines written in batches)', () => {
  it('writes the lines it still holds when the process exits', async () => {
    const run = logInChild('process.exit(0);');
    expect(await run.exited).toBe(0);
    expect(messages(run.lines())).toEqual(['first', 'second']);
  });

  it('writes the lines it still holds when the process dies of an uncaught error', async () => {
    const run = logInChild("throw new Error('boom');");
    expect(await run.exited).not.toBe(0);
    expect(messages(run.lines())).toEqual(['first', 'second']);
  });

  it('writes a few lines while the process runs on, without waiting for more', async () => {
    const run = logInChild('setTimeout(() => {}, 60_000);');
    await new Promise<void>((resolve) => run.child.stdout?.on('data', () => run.lines().length >= 2 && resolve()));
    expect(messages(run.lines())).toEqual(['first', 'second']);
    expect(run.child.exitCode).toBeNull();
  });
});
