import { defineConfig } from 'vitest/config';

// Tiers by file name: unit (pure), int (real MySQL, PostgreSQL, RabbitMQ, SMTP), e2e (whole processes),
// fault (stops shared services: run alone, after the rest, by the test script).
const tier = (name: string, timeout: number) => ({
  extends: true as const,
  test: { name, include: [`packages/*/src/**/*.${name}.test.ts`, `packages/*/src/**/*.${name}.test.tsx`], testTimeout: timeout, hookTimeout: timeout },
});

export default defineConfig({
  test: {
    projects: [tier('unit', 5_000), tier('int', 30_000), tier('e2e', 120_000), { ...tier('fault', 300_000), test: { ...tier('fault', 300_000).test, fileParallelism: false } }],
  },
});
