// Build configuration: a static single-page app in dist/, with workers as ES modules.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorker } from './scripts/vite-service-worker.ts';
import { cspFor } from './scripts/lib/csp.mjs';
import type { Connect, Plugin } from 'vite';

/** The CSP headers in `vite` and `vite preview` too, so workers there run under the same policy as in production. */
function cspHeaders(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('Content-Security-Policy', cspFor(path, String(req.headers['sec-fetch-dest'] ?? '')));
    next();
  };
  return {
    name: 'wasmlens-csp-headers',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

export default defineConfig({
  plugins: [svelte(), serviceWorker(), cspHeaders()],
  base: './',
  build: {
    target: 'es2022',
    sourcemap: false,
    // jco's wasm-tools is ~2.4 MB and is loaded lazily; the warning is about the eager bundle.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // src/lib is pure (design.md): importing a module there runs nothing. Saying so lets the bundler follow a
      // barrel only as far as the names used: without it, the shell's `lib/storage` import reaches
      // `lib/oci` (credentials → settings → blobs → hash-wasm), and that code is preloaded on first load.
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]src[\\/]lib[\\/]/.test(id) },
    },
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
