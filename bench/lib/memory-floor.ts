import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./memory-floor.child.mjs', import.meta.url));
const repoFile = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));

/** The npm packages the API's process loads (packages/api and packages/events dependencies), PGlite apart. */
const API_NPM = [
  ...['kysely', 'mysql2', 'pg', 'amqplib', 'pino', 'zod'].map((spec) => ({ spec, from: repoFile('packages/events/package.json') })),
  ...['hono', '@hono/node-server', '@trpc/server', 'jose', 'trpc-to-openapi', 'zod-openapi', 'prom-client'].map((spec) => ({
    spec,
    from: repoFile('packages/api/package.json'),
  })),
];
const PGLITE = [
  { spec: '@electric-sql/pglite', from: repoFile('packages/events/package.json') },
  { spec: 'kysely-pglite-dialect', from: repoFile('packages/events/package.json') },
];
const WHOLE_API = [{ spec: '@delivery/api', from: repoFile('package.json') }];

export interface MemoryFloor {
  /** Resident MiB of a process that only imported these modules and did nothing else. */
  label: string;
  rssMiB: number;
}

/**
 * What the API's process weighs before it does any work, by what it loads: plain node with the API's npm
 * dependencies, the same under tsx's loader (how `pnpm delivery start` runs every process), plus PGlite
 * (which @delivery/events imports at load time), and the API's whole module graph under tsx. Each in a
 * fresh child process, ended by itself.
 */
export async function measureMemoryFloor(): Promise<MemoryFloor[]> {
  const measure = async (label: string, tsx: boolean, modules: readonly { spec: string; from: string }[]): Promise<MemoryFloor> => {
    const args = [...(tsx ? ['--import', 'tsx'] : []), CHILD, JSON.stringify(modules)];
    const { stdout } = await run(process.execPath, args, { timeout: 60_000, env: { ...process.env, NODE_ENV: 'production' } });
    const { rss } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { rss: number };
    return { label, rssMiB: rss / 2 ** 20 };
  };
  return [
    await measure('node, nothing imported', false, []),
    await measure("node + the API's npm dependencies", false, API_NPM),
    await measure('node --import tsx, nothing imported', true, []),
    await measure("node --import tsx + the API's npm dependencies", true, API_NPM),
    await measure('… + @electric-sql/pglite and its Kysely dialect', true, [...API_NPM, ...PGLITE]),
    await measure('node --import tsx + @delivery/api (its whole module graph, nothing started)', true, WHOLE_API),
  ];
}

export const describeMemoryFloor = (floors: readonly MemoryFloor[]): string =>
  floors.map((floor) => `${floor.label}: ${floor.rssMiB.toFixed(0)} MiB`).join('; ');
