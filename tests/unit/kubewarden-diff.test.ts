// Comparing two versions of a policy. Oracles: V8's WebAssembly.Module.imports/exports for imports and exports,
// wabt's wasm-objdump -h for the bytes per section (a section spans from the previous section's end to its own end,
// so padded size fields count), and for metadata the very changes this test writes with annotate().
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { annotate, compareLists, diffPolicies, readMetadata, ruleText } from '../../src/lib/kubewarden';
import { corpus, corpusDir, corpusNotice, fixture } from './helpers';

const SAFE_LABELS = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const hasObjdump = spawnSync('wasm-objdump', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'wasmlens-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Bytes per section as wasm-objdump -h sees them, keyed as diffPolicies names them. */
function objdumpSections(bytes: Uint8Array): Map<string, number> {
  const path = join(work, `${Math.random().toString(36).slice(2)}.wasm`);
  writeFileSync(path, bytes);
  const out = execFileSync('wasm-objdump', ['-h', path], { encoding: 'utf8' });
  const sizes = new Map<string, number>();
  let previousEnd = 8;
  for (const m of out.matchAll(/^\s*(\w+) start=0x[0-9a-f]+ end=0x([0-9a-f]+)[^\n]*?(?:"([^"]*)")?$/gm)) {
    const end = parseInt(m[2], 16);
    const name = m[1] === 'Custom' ? `custom "${m[3]}"` : m[1].toLowerCase();
    sizes.set(name, (sizes.get(name) ?? 0) + end - previousEnd);
    previousEnd = end;
  }
  return sizes;
}

const v8Imports = (b: Uint8Array) =>
  WebAssembly.Module.imports(new WebAssembly.Module(b as Uint8Array<ArrayBuffer>)).map(
    (i) => `${i.module}.${i.name} (${i.kind === 'function' ? 'func' : i.kind})`,
  );
const v8Exports = (b: Uint8Array) =>
  WebAssembly.Module.exports(new WebAssembly.Module(b as Uint8Array<ArrayBuffer>)).map((e) => e.name);

describe('compareLists', () => {
  it('compares multisets: a repeated entry counts once per occurrence', () => {
    expect(compareLists(['a', 'b', 'b', 'c'], ['b', 'c', 'c', 'd'])).toEqual({
      added: ['c', 'd'],
      removed: ['a', 'b'],
      unchanged: 2,
    });
  });
});

describe('diffPolicies on two different modules', () => {
  const left = fixture('loop-guest.wasm');
  const right = fixture('mutating-guest.wasm');
  const diff = diffPolicies(left, right);

  it('lists added and removed imports and exports as V8 reads them', () => {
    const imports = compareLists(v8Imports(left), v8Imports(right));
    const exports = compareLists(v8Exports(left), v8Exports(right));
    expect(new Set(diff.imports.added)).toEqual(new Set(imports.added));
    expect(new Set(diff.imports.removed)).toEqual(new Set(imports.removed));
    expect(diff.imports.unchanged).toBe(imports.unchanged);
    expect(new Set(diff.exports.added)).toEqual(new Set(exports.added));
    expect(new Set(diff.exports.removed)).toEqual(new Set(exports.removed));
    expect(diff.imports.added.length + diff.imports.removed.length).toBeGreaterThan(0);
    expect(diff.same).toBe(false);
  });

  it.skipIf(!hasObjdump)('gives the bytes per section that wasm-objdump gives', () => {
    const l = objdumpSections(left);
    const r = objdumpSections(right);
    for (const s of diff.sections) {
      expect([s.section, s.left]).toEqual([s.section, l.get(s.section) ?? 0]);
      expect([s.section, s.right]).toEqual([s.section, r.get(s.section) ?? 0]);
      expect(s.delta).toBe(s.right - s.left);
    }
    expect(new Set(diff.sections.map((s) => s.section))).toEqual(new Set([...l.keys(), ...r.keys()]));
  });

  it('finds nothing between a module and itself', () => {
    const same = diffPolicies(right, right);
    expect(same.same).toBe(true);
    expect(same.imports.unchanged).toBe(v8Imports(right).length);
  });

  it('never throws on a side that is not Wasm, and says what it could not read', () => {
    const broken = diffPolicies(new TextEncoder().encode('<html>'), right);
    expect(broken.left.problems[0]).toMatch(/not a WebAssembly file/);
    expect(broken.imports.added.length).toBe(v8Imports(right).length);
    expect(broken.same).toBe(false);
  });
});

describe.skipIf(!corpusDir())('diffPolicies on a corpus policy annotated two ways', () => {
  corpusNotice();
  it('reports exactly the metadata this test changed, and only the metadata section in size', () => {
    const original = corpus(SAFE_LABELS);
    const base = readMetadata(original)!.metadata;
    const v1 = annotate(original, {
      ...base,
      annotations: { ...base.annotations, 'io.kubewarden.policy.version': '1.0.0' },
    });
    const addedRule = {
      apiGroups: ['apps'],
      apiVersions: ['v1'],
      resources: ['deployments'],
      operations: ['UPDATE', 'CREATE'] as ('CREATE' | 'UPDATE')[],
    };
    const v2 = annotate(original, {
      ...base,
      mutating: !base.mutating,
      rules: [...base.rules, addedRule],
      contextAwareResources: [{ apiVersion: 'v1', kind: 'Namespace' }],
      annotations: {
        ...base.annotations,
        'io.kubewarden.policy.version': '2.0.0',
        'io.kubewarden.policy.severity': 'high',
      },
    });
    expect(base.annotations['io.kubewarden.policy.severity']).not.toBe('high');
    const diff = diffPolicies(v1, v2);
    const field = (name: string) => diff.fields.find((f) => f.field === name)!;
    expect(field('mutating')).toMatchObject({
      left: String(base.mutating),
      right: String(!base.mutating),
      changed: true,
    });
    expect(field('execution mode')).toMatchObject({ left: 'kubewarden-wapc', changed: false });
    expect(diff.rules).toEqual({ added: [ruleText(addedRule)], removed: [], unchanged: base.rules.length });
    expect(ruleText(addedRule)).toBe('CREATE,UPDATE apps/v1/deployments');
    expect(diff.contextAwareResources.added).toEqual(['v1/Namespace']);
    expect(diff.annotations).toEqual([
      {
        key: 'io.kubewarden.policy.severity',
        left: base.annotations['io.kubewarden.policy.severity'],
        right: 'high',
      },
      { key: 'io.kubewarden.policy.version', left: '1.0.0', right: '2.0.0' },
    ]);
    expect(diff.imports.added).toEqual([]);
    expect(diff.imports.unchanged).toBe(v8Imports(original).length);
    expect(diff.exports.unchanged).toBe(v8Exports(original).length);
    const changed = diff.sections.filter((s) => s.delta !== 0).map((s) => s.section);
    expect(changed).toEqual(['custom "io.kubewarden.metadata"']);
    if (hasObjdump) {
      const sizes = [objdumpSections(v1), objdumpSections(v2)];
      const meta = diff.sections.find((s) => s.section === changed[0])!;
      expect([meta.left, meta.right]).toEqual(sizes.map((m) => m.get(changed[0])));
    }
  });
});
