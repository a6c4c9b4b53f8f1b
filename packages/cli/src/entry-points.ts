import { fileURLToPath } from 'node:url';

const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** Every process of the system, by the name `pnpm delivery start <name>` knows it. */
export const ENTRY_POINTS = {
  api: repoFile('packages/api/src/main.ts'),
  relay: repoFile('packages/workers/src/relay/relay.main.ts'),
  email: repoFile('packages/workers/src/email/email.main.ts'),
  vendor: repoFile('packages/workers/src/vendor/vendor.main.ts'),
  projection: repoFile('packages/workers/src/projection/projection.main.ts'),
} as const;

export type ProcessName = keyof typeof ENTRY_POINTS;
export const PROCESS_NAMES = Object.keys(ENTRY_POINTS) as ProcessName[];
