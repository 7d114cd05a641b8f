// Bench (Node): parseWasm per corpus file (ms and MB/s), and the editors on the largest files vs a plain copy.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeExports, decodeImports, parseWasm, setCustomSection, stripDebug } from '../../src/lib/wasm';
import { corpus, corpusDir, corpusNotice } from '../unit/helpers';
import { medianMs, report } from './measure';

corpusNotice();

const dir = corpusDir();
const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.wasm')) : [];
const mbps = (bytes: number, ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;

describe.skipIf(!dir)('wasm bench', () => {
  it('parseWasm per corpus file, vs a plain copy of the file', async () => {
    for (const f of files) {
      const bytes = corpus(f);
      const parse = await medianMs(() => parseWasm(bytes), 21, 5);
      const copy = await medianMs(() => bytes.slice(), 21, 5);
      report(
        `wasm parseWasm ${f}`,
        parse,
        'bytes.slice()',
        copy,
        `${bytes.length} B, ${mbps(bytes.length, parse)}`,
      );
    }
    expect(files.length).toBeGreaterThan(0);
  });

  it('decodeImports + decodeExports on the largest import section (dart2wasm, 4,697 imports)', async () => {
    const f = files.find((n) => n.startsWith('dart2wasm'));
    if (!f) return;
    const bytes = corpus(f);
    const info = parseWasm(bytes);
    const parse = await medianMs(() => parseWasm(bytes), 21, 5);
    const decode = await medianMs(() => [decodeImports(bytes, info), decodeExports(bytes, info)], 21, 5);
    report('wasm decodeImports+decodeExports dart2wasm', decode, 'parseWasm', parse);
  });

  it('setCustomSection and stripDebug on the largest file, vs bytes.slice()', async () => {
    const largest = files.map((f) => corpus(f)).sort((a, b) => b.length - a.length)[0];
    const payload = new Uint8Array(4096).fill(0x7b);
    const copy = await medianMs(() => largest.slice(), 21, 5);
    const set = await medianMs(() => setCustomSection(largest, 'io.kubewarden.metadata', payload), 21, 5);
    report('wasm setCustomSection largest file', set, 'bytes.slice()', copy, `(${largest.length} B)`);
    const dwarf = files.find((n) => n.startsWith('rust-dwarf'));
    if (dwarf) {
      const bytes = corpus(dwarf);
      const c = await medianMs(() => bytes.slice(), 21, 5);
      const strip = await medianMs(() => stripDebug(bytes, { name: true }), 21, 5);
      report('wasm stripDebug rust-dwarf', strip, 'bytes.slice()', c, `(${bytes.length} B)`);
    }
  });
});
