import { defineConfig, type Options } from 'tsup';

/**
 * `pnpm build`: every server package compiled to JavaScript in its own `dist/`, with source maps. Each
 * package keeps its npm and workspace imports as imports (`packages: 'external'`): node resolves them from
 * the package's own node_modules, and a workspace package's `delivery-built` export condition (which
 * `node --conditions=delivery-built` turns on, see packages/cli/bin/delivery) points at its `dist/`.
 * Development and tests run the TypeScript sources through tsx, where that condition is off.
 * The SDK is built by its own tsup config (its published bundle with bundled types), before this one.
 */
const server = (pkg: string, entry: Record<string, string>): Options => ({
  name: pkg,
  entry: Object.fromEntries(Object.entries(entry).map(([name, path]) => [name, `packages/${pkg}/src/${path}`])),
  outDir: `packages/${pkg}/dist`,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  splitting: true,
  dts: false,
  esbuildOptions(options) {
    options.packages = 'external';
    options.jsx = 'automatic';
  },
});

export default defineConfig([
  server('events', { index: 'index.ts' }),
  server('projections', { index: 'index.ts' }),
  server('api', { index: 'index.ts', main: 'main.ts' }),
  server('workers', {
    index: 'index.ts',
    'relay.main': 'relay/relay.main.ts',
    'email.main': 'email/email.main.ts',
    'restaurant.main': 'restaurant/restaurant.main.ts',
    'projection.main': 'projection/projection.main.ts',
    'smtp-receiver': 'email/smtp-receiver.ts',
  }),
  server('cli', { main: 'commands/main.ts', embedded: 'embedded/index.ts' }),
]);
