// `npm test`: install what is missing, then typecheck, lint, unit tests, build and e2e tests.
// Ends with one line "N passed, N failed[, N skipped]" over every suite and exits non-zero on any failure.
// Typecheck, lint and build count as one check each; tests are counted from the runners' JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, ensureNpmDependencies } from './lib/deps.mjs';
import { playwrightFailures, vitestFailures } from './lib/reports.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'test-results');
const only = process.argv.slice(2); // e.g. `npm test -- unit e2e` runs just those stages
const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
/** Each failed test, named with its file and first line of error, printed again at the end: CI keeps only the tail. */
const failedTests = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function check(name, ok) {
  if (ok) totals.passed++;
  else {
    totals.failed++;
    failures.push(name);
  }
}

function stage(name) {
  if (only.length && !only.includes(name)) return false;
  console.log(`\n━━ ${name} ━━`);
  return true;
}

/** Adds a Vitest JSON report's counts; a missing report (the runner crashed) counts as one failure. */
function countVitest(file, ok) {
  if (!existsSync(file)) return check('unit (no report)', false);
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  failedTests.push(...vitestFailures(r, ROOT));
  if (r.numFailedTests > 0) failures.push(`unit (${r.numFailedTests} failed)`);
  else if (!ok || r.numFailedTestSuites > 0) check('unit (suite error)', false);
}

/** Adds a Playwright JSON report's counts. */
function countPlaywright(file, ok) {
  if (!existsSync(file)) return check('e2e (no report)', false);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const s = report.stats;
  failedTests.push(...playwrightFailures(report));
  totals.passed += s.expected + (s.flaky ?? 0);
  totals.failed += s.unexpected;
  totals.skipped += s.skipped;
  if (s.unexpected > 0) failures.push(`e2e (${s.unexpected} failed)`);
  else if (!ok) check('e2e (runner error)', false);
}

ensureNpmDependencies();
const missing = ensureDebianPackages();
if (missing.length) console.warn(`Tests that need ${missing.join(', ')} will fail or be skipped.`);
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

if (stage('typecheck')) {
  check(
    'typecheck (svelte-check)',
    run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']),
  );
  check('typecheck (tsc, tests and scripts)', run('npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']));
}
if (stage('lint')) {
  check('lint (eslint)', run('npx', ['eslint', '.']));
  check('format (prettier)', run('npx', ['prettier', '--check', '.', '--log-level', 'warn']));
}
if (stage('unit')) {
  const file = join(RESULTS, 'unit.json');
  const ok = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${file}`]);
  countVitest(file, ok);
}
let built = !only.length || !only.includes('e2e') || existsSync(join(ROOT, 'dist', 'index.html'));
if (stage('build')) {
  built = run('npx', ['vite', 'build', '--logLevel', 'warn']);
  check('build', built);
}
if (stage('e2e')) {
  if (!built) check('e2e (not run: the build failed)', false);
  else {
    const file = join(RESULTS, 'e2e.json');
    const ok = run('npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
    countPlaywright(file, ok);
  }
}

const secs = ((Date.now() - started) / 1000).toFixed(0);
if (failedTests.length) console.log(`\nFailed tests:\n${failedTests.map((t) => `  ✗ ${t}`).join('\n')}`);
if (failures.length) console.log(`\nFailed: ${failures.join('; ')}`);
console.log(`\nnpm test took ${secs} s.`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
