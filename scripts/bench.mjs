// `npm run bench`: builds the app, then runs the Node and Chromium benchmarks in tests/bench.
// Every number is printed next to a baseline measured in the same run, never compared to a fixed time.
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages, ensureNpmDependencies } from './lib/deps.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status === 0;

ensureNpmDependencies();
ensureDebianPackages();
process.env.WASMLENS_CORPUS ??= '../shared/corpus';
let ok = run('npx', ['vite', 'build', '--logLevel', 'warn']);
ok = run('npx', ['vitest', 'run', '--config', 'vitest.bench.config.ts', '--reporter=verbose']) && ok;
ok =
  run('npx', ['playwright', 'test', '--config', 'playwright.bench.config.ts', '--pass-with-no-tests']) && ok;
process.exit(ok ? 0 : 1);
