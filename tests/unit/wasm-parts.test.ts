// Edits as parts: the views and new section that setCustomSectionParts gives join into exactly what
// setCustomSection writes, views share the input's memory, and debugSections counts what stripDebug removes.
// The oracles are the existing editors, which wasm-edit.test.ts and kubewarden-corpus.test.ts check against kwctl.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  debugSections,
  parseWasm,
  setCustomSection,
  setCustomSectionParts,
  stripDebug,
} from '../../src/lib/wasm';
import { concatParts } from '../../src/lib/common';
import { annotate, annotateParts, readMetadata } from '../../src/lib/kubewarden';
import { corpus, corpusDir, corpusNotice } from './helpers';

corpusNotice();
const dir = corpusDir();
const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.wasm')) : [];
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe.skipIf(!dir)('edits as parts, over the corpus', () => {
  it('setCustomSectionParts joins into setCustomSection’s bytes, and its views are the input itself', () => {
    const payload = new TextEncoder().encode('{"x":1}');
    for (const f of files) {
      const bytes = corpus(f);
      const info = parseWasm(bytes);
      for (const name of ['io.kubewarden.metadata', 'producers', 'new-section']) {
        const parts = setCustomSectionParts(bytes, name, payload, info);
        expect(same(concatParts(parts), setCustomSection(bytes, name, payload, info)), `${f} ${name}`).toBe(
          true,
        );
        for (const p of parts.slice(0, -1)) expect(p.buffer).toBe(bytes.buffer);
      }
    }
  });

  it('debugSections counts what stripDebug removes, without copying the module', () => {
    for (const f of files) {
      const bytes = corpus(f);
      const info = parseWasm(bytes);
      for (const options of [{}, { name: true }, { name: true, sourceMappingURL: true }])
        expect(
          debugSections(info, options).reduce((n, s) => n + s.bytes, 0),
          f,
        ).toBe(stripDebug(bytes, options, info).savedBytes);
    }
  });

  it('annotateParts joins into annotate’s bytes for every annotated policy', () => {
    let annotated = 0;
    for (const f of files) {
      const bytes = corpus(f);
      if (parseWasm(bytes).kind !== 'module') continue;
      const read = readMetadata(bytes);
      if (!read) continue;
      annotated++;
      const metadata = { ...read.metadata, annotations: { ...read.metadata.annotations, 'x.test': f } };
      expect(same(concatParts(annotateParts(bytes, metadata)), annotate(bytes, metadata)), f).toBe(true);
    }
    expect(annotated).toBeGreaterThanOrEqual(4);
  });
});
