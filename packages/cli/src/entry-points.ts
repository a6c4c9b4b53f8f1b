import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/**
 * True when this code is the build (`packages/cli/dist`, run by `node` as `delivery` or `pnpm start` do),
 * false when tsx runs the TypeScript sources (`pnpm dev`, the tests, the bench's tsx figures).
 */
export const RUNNING_BUILT_CODE = import.meta.url.endsWith('.js');

/** The export condition that points every workspace package at its `dist/` (see tsup.config.ts). */
export const BUILT_CONDITION = 'delivery-built';

const SOURCE_ENTRY_POINTS = {
  api: 'packages/api/src/main.ts',
  relay: 'packages/workers/src/relay/relay.main.ts',
  email: 'packages/workers/src/email/email.main.ts',
  vendor: 'packages/workers/src/restaurant/restaurant.main.ts',
  projection: 'packages/workers/src/projection/projection.main.ts',
} as const;

const BUILT_ENTRY_POINTS: Record<keyof typeof SOURCE_ENTRY_POINTS, string> = {
  api: 'packages/api/dist/main.js',
  relay: 'packages/workers/dist/relay.main.js',
  email: 'packages/workers/dist/email.main.js',
  vendor: 'packages/workers/dist/restaurant.main.js',
  projection: 'packages/workers/dist/projection.main.js',
};

export type ProcessName = keyof typeof SOURCE_ENTRY_POINTS;
export const PROCESS_NAMES = Object.keys(SOURCE_ENTRY_POINTS) as ProcessName[];

/** Where a process's entry point is: its built JavaScript or its TypeScript source. */
export function entryPointOf(name: ProcessName, built: boolean): string {
  return repoFile((built ? BUILT_ENTRY_POINTS : SOURCE_ENTRY_POINTS)[name]);
}

/** The CLI's entry point (`delivery <command>`): its built JavaScript or its TypeScript source. */
export function cliEntryPointOf(built: boolean): string {
  return repoFile(built ? 'packages/cli/dist/main.js' : 'packages/cli/src/commands/main.ts');
}

/**
 * Builds whatever is stale (`scripts/build-if-stale.mjs`: nothing when `pnpm build` ran after the last
 * change) before tests or the bench start built code; throws with the build's output when it fails.
 */
export function buildIfStale(): void {
  const build = spawnSync(process.execPath, [repoFile('scripts/build-if-stale.mjs')], { cwd: repoFile('.'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stderr}`);
}

/** Every process of the system, by the name `delivery start <name>` knows it: built code runs built code. */
export const ENTRY_POINTS = Object.fromEntries(PROCESS_NAMES.map((name) => [name, entryPointOf(name, RUNNING_BUILT_CODE)])) as Record<ProcessName, string>;

/** The flags `node` needs before an entry point: a built one (`.js`) runs as production runs it, a source one under tsx. */
export function runnerArgsFor(entryPoint: string): string[] {
  return entryPoint.endsWith('.js') ? [`--conditions=${BUILT_CONDITION}`, '--enable-source-maps'] : ['--import', 'tsx'];
}

/** The arguments of `node` that run one process's entry point: built code plainly, sources through tsx. */
export function nodeArgsFor(name: ProcessName, built: boolean = RUNNING_BUILT_CODE): string[] {
  const entry = entryPointOf(name, built);
  return [...runnerArgsFor(entry), entry];
}
