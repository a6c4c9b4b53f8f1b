import { setTimeout as sleep } from 'node:timers/promises';

/** What a readiness wait needs of a process it started: when it exits, and what it said, for the error. */
export interface AwaitedProcess {
  readonly name: string;
  readonly exited: Promise<unknown>;
  /** Its last lines of output, shown when it never becomes ready. */
  tail?(): string;
}

export interface ReadinessWait {
  /** 100 s by default, inside the e2e tier's 120 s hooks: an embedded process under tsx, four e2e files at once on two cores, took over 60 s. */
  timeoutMs?: number;
  /** The path asked: `/readyz` (its databases and broker answer) unless told, `/healthz` (it serves). */
  path?: '/readyz' | '/healthz';
  everyMs?: number;
}

/**
 * Resolves once `<apiUrl><path>` answers 200, asking every `everyMs` (100); throws after `timeoutMs` or when
 * `process` exits first.
 */
export async function waitUntilReady(apiUrl: string, process: AwaitedProcess, options: ReadinessWait = {}): Promise<void> {
  const { timeoutMs = 100_000, path = '/readyz', everyMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void process.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const ready = await fetch(`${apiUrl}${path}`).then(
      async (response) => {
        await response.arrayBuffer();
        return response.ok;
      },
      () => false,
    );
    if (ready) return;
    await sleep(everyMs);
  }
  const said = process.tail?.() ?? '';
  throw new Error(`${process.name} did not answer ${path}${exited ? ' (it exited)' : ''}${said ? `:\n${said}` : ''}`);
}
