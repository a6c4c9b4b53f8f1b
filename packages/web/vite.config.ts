import { defineConfig } from 'vite';

// Served by the API under /app (and its tracking view at /orders/<id>), so every asset path starts there.
export default defineConfig({
  base: '/app/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
