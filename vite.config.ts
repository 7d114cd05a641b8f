// Build configuration: a static single-page app in dist/, with workers as ES modules.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { serviceWorker } from './scripts/vite-service-worker.ts';

export default defineConfig({
  plugins: [svelte(), serviceWorker()],
  base: './',
  build: {
    target: 'es2022',
    sourcemap: false,
    // jco's wasm-tools is ~2.4 MB and is loaded lazily; the warning is about the eager bundle.
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
