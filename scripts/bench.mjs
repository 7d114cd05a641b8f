// `npm run bench`: builds the app, then runs the Node and Chromium benchmarks in tests/bench, then prints the rows
// of issue 18's table that they recorded. Every number is a ratio to a baseline measured in the same run, never
// compared to a fixed time; a missed goal is reported, and only a bench that cannot run fails the command.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readRows, tableLine } from './lib/bench-table.mjs';
import { ensureDebianPackages, ensureNpmDependencies } from './lib/deps.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const ROWS = join(ROOT, 'test-results', 'bench-rows.jsonl');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status === 0;

ensureNpmDependencies();
ensureDebianPackages();
process.env.WASMLENS_CORPUS ??= '../shared/corpus';
process.env.WASMLENS_BENCH_ROWS = ROWS;
rmSync(ROWS, { force: true });
let ok = run('npx', ['vite', 'build', '--logLevel', 'warn']);
ok = run('npx', ['vitest', 'run', '--config', 'vitest.bench.config.ts', '--reporter=verbose']) && ok;
ok =
  run('npx', ['playwright', 'test', '--config', 'playwright.bench.config.ts', '--pass-with-no-tests']) && ok;

const rows = readRows(ROWS);
console.log('\nIssue 18, measured now (medians; each figure a ratio to a baseline from the same run):\n');
console.log('| what | now | goal | |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(tableLine(r));
if (!rows.length) console.log('(no rows: was WASMLENS_CORPUS set and the registry installed?)');
process.exit(ok ? 0 : 1);
