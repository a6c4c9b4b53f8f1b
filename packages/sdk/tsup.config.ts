import { defineConfig } from 'tsup';

// ES module and CommonJS builds with a bundled declaration file for each (index.d.ts / index.d.cts), so
// `import` and `require` both load the SDK and TypeScript sees the right module kind under `nodenext`.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'neutral',
  clean: true,
  sourcemap: true,
  dts: { resolve: true },
});
