// Installs what the project needs on a fresh machine: npm packages (when missing or stale) and Debian tools.
// Only Node built-ins here: this runs before node_modules exists.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const STAMP = join(ROOT, 'node_modules', '.wasmlens-lock-sha256');

/** Runs `npm ci` when node_modules is missing or was installed from another package-lock.json. */
export function ensureNpmDependencies() {
  const lock = readFileSync(join(ROOT, 'package-lock.json'));
  const want = createHash('sha256').update(lock).digest('hex');
  const have = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (have === want) return;
  console.log(
    have
      ? 'package-lock.json changed: reinstalling npm dependencies…'
      : 'Installing npm dependencies (npm ci)…',
  );
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci failed; see the output above.');
  writeFileSync(STAMP, want + '\n');
}

/** The Debian packages the tests and `npm start` use, keyed by the binary that proves each is installed. */
export const DEBIAN_TOOLS = {
  chromium: { bin: '/usr/bin/chromium', why: 'end-to-end tests' },
  'docker-registry': { bin: '/usr/bin/docker-registry', why: 'the local OCI registry' },
  nginx: { bin: '/usr/sbin/nginx', why: 'the CORS proxy in front of authenticating registries' },
  skopeo: { bin: '/usr/bin/skopeo', why: 'cross-checking pushed artifacts' },
  'apache2-utils': { bin: '/usr/bin/htpasswd', why: 'htpasswd users for the Basic-auth registry' },
  wabt: { bin: '/usr/bin/wasm-objdump', why: 'building WAT fixtures and cross-checking sections' },
  openssl: { bin: '/usr/bin/openssl', why: 'the token-auth registry certificate' },
};

/** Names of the packages among `names` whose binary is missing. */
export function missingDebianPackages(names = Object.keys(DEBIAN_TOOLS)) {
  return names.filter((n) => !existsSync(DEBIAN_TOOLS[n].bin));
}

/**
 * Installs missing Debian packages with apt-get when running as root. Otherwise prints the command to run
 * and returns the packages still missing, so callers can skip or fail with a clear message.
 */
export function ensureDebianPackages(names = Object.keys(DEBIAN_TOOLS)) {
  let missing = missingDebianPackages(names);
  if (missing.length === 0) return [];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Missing Debian packages: ${missing.join(', ')}.`);
    console.error(`Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return missing;
  }
  console.log(`Installing Debian packages: ${missing.join(', ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!run(['install', '-y', '-qq', '--no-install-recommends', ...missing])) {
    run(['update', '-qq']);
    run(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  }
  missing = missingDebianPackages(names);
  if (missing.length) console.error(`Still missing after apt-get: ${missing.join(', ')}.`);
  return missing;
}
