// `npm run bench`, browser part: the built app in Debian's Chromium, one worker so timings do not compete.
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  ...base,
  testDir: 'tests/bench',
  testMatch: '**/*.bench.spec.ts',
  outputDir: 'test-results/bench-artifacts',
  workers: 1,
  fullyParallel: false,
  timeout: 300_000,
  reporter: [['list']],
});
