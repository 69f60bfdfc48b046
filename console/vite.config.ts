import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The admin console (served by the API at /console) and the Chatwoot dashboard app (/console/chatwoot). */
export default defineConfig({
  root,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: { input: { index: `${root}index.html`, chatwoot: `${root}chatwoot.html` } },
  },
});
