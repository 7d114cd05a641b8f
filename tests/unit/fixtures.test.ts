// The committed .wasm fixtures are exactly what their .wat sources build to (when wabt is installed).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArgs } from '../../scripts/build-fixtures.mjs';
import { ROOT } from './helpers';

const DIR = join(ROOT, 'tests', 'fixtures');
const wats = readdirSync(DIR).filter((f) => f.endsWith('.wat'));

describe.skipIf(!existsSync('/usr/bin/wat2wasm'))('WAT fixtures', () => {
  it.each(wats)('%s builds to the committed .wasm', (wat) => {
    const args = buildArgs(join(DIR, wat));
    const out = join(mkdtempSync(join(tmpdir(), 'wl-fix-')), 'out.wasm');
    const committed = args[args.indexOf('-o') + 1];
    args[args.indexOf('-o') + 1] = out;
    const r = spawnSync('wat2wasm', args, { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out).equals(readFileSync(join(ROOT, committed)))).toBe(true);
  });
});
