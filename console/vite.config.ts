import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console's build: `npm run build` writes it to dist/console, which the server serves under /console/. */
export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Every module in one script and one stylesheet: the console is small, and the server serves only files it built.
    modulePreload: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 300,
  },
});
