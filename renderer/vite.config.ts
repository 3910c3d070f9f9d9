import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

// The renderer is built once into renderer/dist and served by the browser host or Electron's
// custom protocol. No inline scripts or styles (the CSP forbids them); no external URLs.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      // zod's sources carry comments rollup cannot place; harmless, and noise in every build.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
