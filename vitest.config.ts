// Unit tests run the pure libraries in Node; state tests run the rune classes (compiled by the Svelte plugin for the
// browser runtime) in Node too. The real registries are started once by the global setup for both.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    globalSetup: ['tests/unit/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/fuzz/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        resolve: { conditions: ['browser'] },
        test: {
          name: 'state',
          include: ['tests/state/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/state/setup.ts'],
        },
      },
      {
        // Components mounted with Svelte's client runtime in happy-dom: keyed-each checks (each_key_duplicate)
        // exist only there, so server rendering could not show a duplicate key breaking a list.
        extends: true,
        resolve: { conditions: ['browser'] },
        test: { name: 'components', include: ['tests/components/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
