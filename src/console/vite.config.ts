/**
 * The web console's build: a single-page app compiled by Vite into dist/console, which `serve`
 * ships at `/` (src/admin/console-static.ts). Vite compiles TSX itself (oxc) with React's
 * automatic JSX runtime; every page is its own lazily loaded chunk, so the first page loads only
 * the shell.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    // No inline scripts or styles: the Content-Security-Policy allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
