import type { ManagedProcess } from './managed-process';

/**
 * Resolves once `<apiUrl>/readyz` answers 200; throws after 100 s (inside the e2e tier's 120 s hooks) or when
 * `process` exits first. An embedded process under tsx, four e2e files at once on two cores, took over 60 s.
 */
export async function waitUntilReady(apiUrl: string, process: ManagedProcess): Promise<void> {
  const deadline = Date.now() + 100_000;
  let exited = false;
  void process.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API did not become ready${exited ? ' (it exited)' : ''}`);
}
