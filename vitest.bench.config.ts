// `npm run bench`, Node part: measurements print ratios against a baseline measured in the same process.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/bench/**/*.bench.test.ts'],
    environment: 'node',
    globalSetup: ['tests/unit/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Benches collect their own garbage before each timed run (tests/bench/oci.bench.test.ts says why).
    execArgv: ['--expose-gc'],
    fileParallelism: false,
    passWithNoTests: true,
  },
});
