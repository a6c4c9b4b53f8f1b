import { cliEntryPointOf, entryPointOf, type ProcessName, runnerArgsFor } from '../entry-points';

/**
 * The code the end-to-end and fault tiers start as processes: the build, as production runs it (vitest's
 * global set-up of those tiers builds what is stale first), or the TypeScript sources under tsx with
 * `DELIVERY_TEST_CODE=source`. The build starts in about half the CPU time of tsx, and tests start many processes.
 */
export const TESTS_RUN_BUILT_CODE = process.env.DELIVERY_TEST_CODE !== 'source';

/** The `node` arguments that run a process of the system, or the CLI, as the tests run it. */
export function testedNodeArgs(entry: ProcessName | 'cli', built: boolean = TESTS_RUN_BUILT_CODE): string[] {
  const entryPoint = entry === 'cli' ? cliEntryPointOf(built) : entryPointOf(entry, built);
  return [...runnerArgsFor(entryPoint), entryPoint];
}
