import { defineConfig } from 'vitest/config';

// Tiers by file name: unit (pure), int (real MySQL, PostgreSQL, RabbitMQ, SMTP), e2e (whole processes),
// fault (stops shared services: run alone, after the rest, by the test script).
// Set-up hooks get at least 90 s: a fresh PGlite database runs initdb in WebAssembly, and several files
// starting one at once on two busy cores took over 30 s each.
const tier = (name: string, timeout: number, more: { globalSetup?: string; fileParallelism?: boolean } = {}) => ({
  extends: true as const,
  test: {
    name,
    include: [`packages/*/src/**/*.${name}.test.ts`, `packages/*/src/**/*.${name}.test.tsx`, `bench/**/*.${name}.test.ts`],
    testTimeout: timeout,
    hookTimeout: Math.max(timeout, 90_000),
    ...more,
  },
});
// The tiers that start the system as processes run its build (DELIVERY_TEST_CODE=source: the sources under tsx);
// this builds what is stale first, nothing after `pnpm build`.
const BUILD_IF_STALE = 'packages/cli/src/testing/build-if-stale.setup.ts';

export default defineConfig({
  test: {
    // The tests wait on databases, the broker and child processes far more than they compute: four files at
    // once on these two cores took the unit and integration tiers from 253 s to 98 s, the e2e tier to 205 s.
    maxWorkers: 4,
    projects: [
      tier('unit', 5_000),
      tier('int', 30_000),
      tier('e2e', 120_000, { globalSetup: BUILD_IF_STALE }),
      tier('fault', 300_000, { globalSetup: BUILD_IF_STALE, fileParallelism: false }),
    ],
  },
});
