// The manifest JSON layout of the artifact view: same text as JSON.stringify, with every digest a link.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonLines, jsonText, MAX_INDENT, type Segment } from '../../src/lib/artifacts';
import { fixture } from './helpers';

const manifest = (name: string): unknown =>
  JSON.parse(new TextDecoder().decode(fixture(`artifacts/${name}`)));
const render = (lines: Segment[][]) => jsonText(lines);
const links = (lines: Segment[][]) => lines.flat().filter((s) => s.kind !== 'text');

describe('jsonLines', () => {
  it('prints exactly what JSON.stringify(value, null, 2) prints', () => {
    for (const f of [
      'oci-index.json',
      'kyverno-policies.json',
      'sigstore-bundle.json',
      'flux-artifact.json',
    ]) {
      const v = manifest(f);
      expect(render(jsonLines(v))).toBe(JSON.stringify(v, null, 2));
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(render(jsonLines(v))).toBe(JSON.stringify(v, null, 2) ?? 'null');
      }),
    );
  });

  it('links index children and subjects as manifests, configs and layers as blobs', () => {
    expect(links(jsonLines(manifest('oci-index.json'))).map((s) => s.kind)).toEqual(['child', 'child']);
    const bundle = links(jsonLines(manifest('sigstore-bundle.json')));
    expect(bundle.map((s) => s.kind)).toEqual(['blob', 'blob', 'child']);
    const kyverno = links(jsonLines(manifest('kyverno-policies.json')));
    expect(kyverno.map((s) => s.kind)).toEqual(['blob', 'blob', 'blob']);
    const layer = kyverno[1]!;
    expect(layer.kind === 'blob' && layer.descriptor.mediaType).toBe(
      'application/vnd.cncf.kyverno.policy.layer.v1+yaml',
    );
    // A "digest" that is not in a descriptor stays text.
    expect(links(jsonLines({ digest: 'sha256:00' }))).toEqual([]);
  });

  it('prints a manifest nesting 200,000 arrays (under 4 MiB) without recursion, indenting at most 64 levels', () => {
    const depth = 200_000;
    const text = `{"schemaVersion":2,"annotations":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    expect(text.length).toBeLessThan(4 << 20);
    const lines = jsonLines(JSON.parse(text));
    // `{`, schemaVersion, `"annotations": {`, then a line per "[" and per "]" (the innermost "[]" is one), `}`, `}`.
    expect(lines).toHaveLength(2 * depth + 4);
    const widest = lines.reduce((w, l) => Math.max(w, l[0]!.kind === 'text' ? l[0]!.text.length : 0), 0);
    expect(widest).toBe(2 * MAX_INDENT);
    // The same JSON text but for whitespace (the text has no strings with spaces).
    expect(render(lines).replace(/\s+/g, '')).toBe(text);
  });
});
