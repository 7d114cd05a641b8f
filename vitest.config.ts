// Unit tests run the pure libraries in Node; state tests run the rune classes (compiled by the Svelte plugin for the
// browser runtime) in Node too. The real registries are started once by the global setup for both.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Files whose tests measure how time grows with the input (tests/unit/doubling.ts). */
const LINEAR = ['tests/unit/hostile-linear.test.ts', 'tests/unit/artifacts-json-lines-linear.test.ts'];

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
          exclude: LINEAR,
          environment: 'node',
        },
      },
      {
        // The doubling tests time a path at n and 4n, a ratio that other files' work on the same two cores
        // distorts (a linear path measured 3.0-3.7 under load, 2.0-2.7 alone): they run last, one file at a time.
        extends: true,
        test: {
          name: 'linear',
          include: LINEAR,
          environment: 'node',
          fileParallelism: false,
          sequence: { groupOrder: 1 },
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
