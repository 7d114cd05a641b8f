// Rebuilds tests/fixtures/*.wasm from their .wat sources with wabt's wat2wasm (Debian package wabt).
// The first comment lines of each .wat name the exact command; this script runs it.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const DIR = new URL('../tests/fixtures/', import.meta.url).pathname;

/** The wat2wasm arguments written in the "Built with:" comment of a .wat file. */
export function buildArgs(watFile) {
  const line = readFileSync(watFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(';; Built with: wat2wasm'));
  if (!line) throw new Error(`${watFile} has no ";; Built with: wat2wasm …" line`);
  return line.replace(';; Built with: wat2wasm', '').trim().split(/\s+/);
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  for (const f of readdirSync(DIR).filter((n) => n.endsWith('.wat'))) {
    const args = buildArgs(join(DIR, f));
    const r = spawnSync('wat2wasm', args, { cwd: new URL('..', import.meta.url).pathname, stdio: 'inherit' });
    if (r.status !== 0) process.exit(1);
    console.log(`built ${f}`);
  }
}
