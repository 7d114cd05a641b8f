// The Wasm library against the real corpus: exact README values, wasm-objdump -h, and V8's own readers.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  customSections,
  dataSegments,
  decodeExports,
  decodeImports,
  parseWasm,
  setCustomSection,
  stripDebug,
} from '../../src/lib/wasm';
import { corpus, corpusDir, corpusNotice } from './helpers';

corpusNotice();

/** File name → [size, sha256] from the corpus README summary table. */
const FILES: Record<string, [number, string]> = {
  'component-adder-jco-fixture.wasm': [
    14474,
    '0cc8e6d9070606467e47c118957e68a1c219c8964634ee7651056f1b70b1b8d5',
  ],
  'component-hello-stdout-dwarf-jco-fixture.wasm': [
    2167250,
    'd5c64ee7908410dbf78edda02f3e6734682b00436dc61e00d218433f39d5f12b',
  ],
  'dart2wasm-wasmgc-flutter-mosaic-main.dart.wasm': [
    1753428,
    '451c0a2335e0e7953c27ed065afd8404fc9718e7187c8d022cc4151cfb048b7e',
  ],
  'emscripten-simd-threads-squoosh-jxl-enc-mt-simd.wasm': [
    1946500,
    '7ee6bd90ce8cabef00fbbf166d7556b632d8042d53d516bc88c189571f156e1f',
  ],
  'go-js-cosign-testdata-go1.16.3.wasm': [
    1284287,
    '367813d75e620210982e36436245df15cae1898e048ce729796dcb06e7781cde',
  ],
  'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm': [
    1206289,
    '3e8f13348496ad441d0558ca2154d91d64ea3635bd1fc19f91c999092429c099',
  ],
  'kw-javy-js-sdk-demo-unannotated.wasm': [
    1196153,
    '94de506c546835876a4f7064682e44f90332b891fc6cf32894a0159616d6772a',
  ],
  'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm': [
    130650,
    '20fb34bd2e95eb92a6cae76021d082ec1c896d552d87d34c158233dbf85bb019',
  ],
  'kw-opa-rego-container-limits-annotated-regorodeo.wasm': [
    139724,
    '4fd24026d9591005e7cace89e7aeb07fb6d8a1a35e54004987eb0f6aa5cabe23',
  ],
  'kw-opa-rego-no-default-namespace-unannotated.wasm': [
    117551,
    '5f0a9c5431a933c27890eb41e52109b9b304d02de00ef22e44e690529a73a8e9',
  ],
  'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm': [
    652527,
    'bfa9d146cc5877f6bf07b67c446245bbde3811b4eba48f58ecbe19301e62a895',
  ],
  'rust-dwarf-hello-stdout-jco-fixture.wasm': [
    2145597,
    '2482cf6b1f2cc14a5d94b9304d1465afa3ee19a86c991996a0668fcfc42c4c1f',
  ],
  'rust-javy-plugin-kubewarden-rustc1.86.wasm': [
    1147226,
    'ee5a4d9add55b0fc773f25c226b3e61f6612fceb01f1151725d845063c0c446f',
  ],
};
const NAMES = Object.keys(FILES);
/** V8 compiles and 2 MB copies can take long when the 2 shared cores are busy; these are not speed checks. */
const SLOW_MS = 120_000;
const COMPONENTS = NAMES.filter((n) => n.startsWith('component-'));
const CORE = NAMES.filter((n) => !COMPONENTS.includes(n));

const cache = new Map<string, Uint8Array>();
function load(name: string): Uint8Array {
  let b = cache.get(name);
  if (!b) cache.set(name, (b = corpus(name)));
  return b;
}
const modules = new Map<string, WebAssembly.Module>();
/** V8's compiled module for a corpus file, compiled once (a 2 MB module takes seconds on a busy machine). */
function v8Module(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (!m) modules.set(name, (m = new WebAssembly.Module(buf(load(name)))));
  return m;
}
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
const hasObjdump = existsSync('/usr/bin/wasm-objdump');

/** Runs wasm-objdump on a corpus file; it prints headers even when it rejects a body (file 3), so ignore status. */
function objdump(name: string, ...args: string[]): string {
  return spawnSync('wasm-objdump', [...args, join(corpusDir() as string, name)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).stdout;
}

describe.skipIf(!corpusDir())('corpus: files and section table', { timeout: SLOW_MS }, () => {
  it.each(NAMES)('%s has the size and sha256 of the README', (name) => {
    const b = load(name);
    expect([b.length, sha256(b)]).toEqual(FILES[name]);
  });

  it.each(NAMES)('%s: kind from the version bytes', (name) => {
    const info = parseWasm(load(name));
    expect(info.kind).toBe(COMPONENTS.includes(name) ? 'component' : 'module');
    expect(info.size).toBe(FILES[name][0]);
  });

  it.skipIf(!hasObjdump).each(CORE)('%s: same sections as wasm-objdump -h', (name) => {
    const rows = [
      ...objdump(name, '-h').matchAll(/^\s*(\w+) start=0x([0-9a-f]+) end=0x([0-9a-f]+).*?(?:"(.*)")?$/gm),
    ];
    expect(rows.length).toBeGreaterThan(0);
    const ours = parseWasm(load(name)).sections.map((s) => [
      s.kind,
      s.payloadOffset,
      s.payloadOffset + s.size,
      s.name,
    ]);
    const theirs = rows.map((m) => [objdumpKind(m[1]), parseInt(m[2], 16), parseInt(m[3], 16), m[4]]);
    expect(ours).toEqual(theirs);
  });

  it('reads the README layouts and custom sections (name, size, offset)', () => {
    const customs = (name: string) =>
      parseWasm(load(name))
        .sections.filter((s) => s.id === 0)
        .map((s) => `${s.name} (${s.size}) @${s.offset}`);
    expect(customs('component-adder-jco-fixture.wasm')).toEqual(['producers (47) @14425']);
    expect(parseWasm(load('component-adder-jco-fixture.wasm')).sections[0]).toMatchObject({
      kind: 'core-module',
      offset: 8,
      payloadOffset: 11,
      size: 14201,
    });
    expect(customs('component-hello-stdout-dwarf-jco-fixture.wasm')).toEqual([
      'component-name (3792) @2163406',
      'producers (47) @2167201',
    ]);
    expect(customs('go-js-cosign-testdata-go1.16.3.wasm')).toEqual([
      'go.buildid (114) @8',
      'producers (71) @1262326',
      'name (21878) @1262403',
    ]);
    expect(customs('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm')).toEqual([
      'name (25915) @623512',
      'producers (166) @649433',
      'target_features (61) @649605',
      'io.kubewarden.metadata (2849) @649672',
    ]);
    expect(customs('emscripten-simd-threads-squoosh-jxl-enc-mt-simd.wasm')).toEqual([]);
    const dart = parseWasm(load('dart2wasm-wasmgc-flutter-mosaic-main.dart.wasm')).sections;
    expect(dart.map((s) => s.kind)).toEqual([
      'type',
      'import',
      'function',
      'table',
      'tag',
      'global',
      'export',
      'start',
      'element',
      'custom',
      'code',
    ]);
    const padded = (name: string) => parseWasm(load(name)).sections.filter((s) => s.paddedSize).length;
    expect(padded('go-js-cosign-testdata-go1.16.3.wasm')).toBe(13);
    expect(padded('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm')).toBe(14);
    expect(padded('rust-dwarf-hello-stdout-jco-fixture.wasm')).toBe(0);
    const comp2 = parseWasm(load('component-hello-stdout-dwarf-jco-fixture.wasm')).sections;
    expect(comp2).toHaveLength(97);
    expect(comp2.find((s) => s.kind === 'core-module')).toMatchObject({ offset: 2170, payloadOffset: 2175 });
  });
});

function objdumpKind(k: string): string {
  return ({ Elem: 'element', DataCount: 'datacount' } as Record<string, string>)[k] ?? k.toLowerCase();
}

describe.skipIf(!corpusDir())('corpus: custom sections agree with V8', { timeout: SLOW_MS }, () => {
  const valid = CORE.filter((n) => n !== 'dart2wasm-wasmgc-flutter-mosaic-main.dart.wasm');
  it.each(valid)(
    '%s: every custom name gives exactly the payloads of WebAssembly.Module.customSections',
    (name) => {
      const b = load(name);
      const mod = v8Module(name);
      const names = new Set(parseWasm(b).sections.flatMap((s) => (s.id === 0 ? [s.name as string] : [])));
      for (const n of [...names, 'absent-name']) {
        const v8 = WebAssembly.Module.customSections(mod, n).map((a) => new Uint8Array(a));
        expect(customSections(b, n), n).toEqual(v8);
      }
    },
  );

  it.each(valid)('%s: imports and exports match WebAssembly.Module.imports/exports', (name) => {
    const b = load(name);
    const mod = v8Module(name);
    // V8 spells the function kind 'function'; the library uses the text-format keyword 'func'.
    const v8Kind = (k: string) => (k === 'function' ? 'func' : k);
    expect(decodeImports(b)).toEqual(
      WebAssembly.Module.imports(mod).map((i) => ({ ...i, kind: v8Kind(i.kind) })),
    );
    expect(decodeExports(b).map(({ name, kind }) => ({ name, kind }))).toEqual(
      WebAssembly.Module.exports(mod).map(({ name, kind }) => ({ name, kind: v8Kind(kind) })),
    );
  });

  it.skipIf(!hasObjdump)('dart2wasm (V8 rejects it): import/export counts match wasm-objdump', () => {
    const name = 'dart2wasm-wasmgc-flutter-mosaic-main.dart.wasm';
    const b = load(name);
    const head = objdump(name, '-h');
    expect(decodeImports(b)).toHaveLength(Number(/Import .*count: (\d+)/.exec(head)?.[1]));
    expect(decodeExports(b)).toHaveLength(Number(/Export .*count: (\d+)/.exec(head)?.[1]));
    expect(decodeImports(b).some((i) => i.module === 'wasm:js-string')).toBe(true);
    expect(decodeImports(b).some((i) => i.kind === 'tag' || i.kind === 'global')).toBe(true);
    expect(dataSegments(b)).toEqual([]);
  });

  it.skipIf(!hasObjdump).each(CORE.filter((n) => !n.startsWith('dart2wasm')))(
    '%s: data segment sizes match wasm-objdump -x',
    (name) => {
      const sizes = [...objdump(name, '-x', '-j', 'Data').matchAll(/^ - segment\[\d+\].* size=(\d+)/gm)].map(
        (m) => Number(m[1]),
      );
      expect(dataSegments(load(name)).map((d) => d.length)).toEqual(sizes);
    },
  );

  it('components have no core imports, exports or data', () => {
    for (const n of COMPONENTS) {
      const b = load(n);
      expect([decodeImports(b), decodeExports(b), dataSegments(b)]).toEqual([[], [], []]);
    }
  });

  it('README facts: tinygo waPC imports, javy exports, capability strings in data', () => {
    const tiny = decodeImports(load('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm'));
    expect(tiny.filter((i) => i.module === 'wapc').map((i) => i.name)).toEqual([
      '__guest_request',
      '__guest_error',
      '__guest_response',
    ]);
    const js = decodeExports(load('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm')).map((e) => e.name);
    expect(js).toEqual(['memory', 'canonical_abi_free', '_start']);
    const opa = decodeExports(load('kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm'));
    expect(opa.filter((e) => e.name.startsWith('opa_'))).toHaveLength(18);
    const text = dataSegments(load('kw-javy-js-sdk-demo-unannotated.wasm'))
      .map((d) => new TextDecoder('latin1').decode(d))
      .join('\n');
    // The capability scan looks for the operation strings in the data segments (kubewarden.md §7).
    expect(text).toContain('v1/oci_manifest');
    expect(text).toContain('v1/dns_lookup_host');
    expect(text).toContain('v1/manifest_digest');
  });
});

describe.skipIf(!corpusDir())('corpus: editor round trip', { timeout: SLOW_MS }, () => {
  const payload = new TextEncoder().encode('{"round":"trip","ü":1}');
  const cases = NAMES.flatMap((n) => [
    [n, 'io.kubewarden.metadata'],
    [n, 'producers'],
  ]);
  it.each(cases)('%s: setCustomSection(%s)', (name, section) => {
    const b = load(name);
    const before = parseWasm(b).sections;
    const out = setCustomSection(b, section, payload);
    // Read back: exactly one section of that name, the new payload, last.
    expect(customSections(out, section)).toEqual([payload]);
    const after = parseWasm(out).sections;
    expect(after.at(-1)).toMatchObject({ id: 0, name: section, paddedSize: false });
    // Every kept section is byte-identical and in the same order.
    const kept = before.filter((s) => !(s.id === 0 && s.name === section));
    expect(after.slice(0, -1).map((s) => [s.id, s.name, s.size, s.paddedSize])).toEqual(
      kept.map((s) => [s.id, s.name, s.size, s.paddedSize]),
    );
    let expectedLength = 8;
    for (const [i, s] of kept.entries()) {
      const t = after[i];
      const len = s.payloadOffset + s.size - s.offset;
      expectedLength += len;
      expect(
        Buffer.compare(b.subarray(s.offset, s.offset + len), out.subarray(t.offset, t.offset + len)),
      ).toBe(0);
    }
    expect(Buffer.compare(b.subarray(0, 8), out.subarray(0, 8))).toBe(0);
    expect(out.length).toBe(
      expectedLength + (after.at(-1)!.payloadOffset + after.at(-1)!.size - after.at(-1)!.offset),
    );
    // Nothing removed: the output is the input with one section appended.
    if (kept.length === before.length) expect(Buffer.compare(out.subarray(0, b.length), b)).toBe(0);
    // V8 still validates what it validated.
    if (WebAssembly.validate(buf(b))) {
      expect(WebAssembly.validate(buf(out))).toBe(true);
      const v8 = WebAssembly.Module.customSections(new WebAssembly.Module(buf(out)), section);
      expect(v8.map((a) => new Uint8Array(a))).toEqual([payload]);
    }
  });

  it('replacing the safe-labels metadata removes 2,855 B at 649,672 and keeps the prefix', () => {
    const b = load('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm');
    const out = setCustomSection(b, 'io.kubewarden.metadata', new Uint8Array(0));
    expect(Buffer.compare(out.subarray(0, 649672), b.subarray(0, 649672))).toBe(0);
    // The new empty section: id, size 23, name length 22, name.
    expect(out.length).toBe(b.length - 2855 + 1 + 1 + 1 + 22);
  });

  it('rewriting the javy metadata with its own payload is a fixed point', () => {
    const b = load('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm');
    const [meta] = customSections(b, 'io.kubewarden.metadata');
    expect(sha256(setCustomSection(b, 'io.kubewarden.metadata', meta))).toBe(
      FILES['kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm'][1],
    );
  });

  it('annotating the unannotated javy policy appends at 1,196,153', () => {
    const b = load('kw-javy-js-sdk-demo-unannotated.wasm');
    const out = setCustomSection(b, 'io.kubewarden.metadata', payload);
    expect(parseWasm(out).sections.at(-1)?.offset).toBe(1196153);
  });
});

describe.skipIf(!corpusDir())('corpus: strip debug numbers', { timeout: SLOW_MS }, () => {
  const expected: [string, number, number][] = [
    ['rust-dwarf-hello-stdout-jco-fixture.wasm', 2061559, 2077727],
    ['go-js-cosign-testdata-go1.16.3.wasm', 0, 21884],
    ['kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm', 0, 25921],
    ['kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm', 0, 2961],
    ['kw-opa-rego-container-limits-annotated-regorodeo.wasm', 0, 3573],
    ['kw-opa-rego-no-default-namespace-unannotated.wasm', 0, 2984],
    ...[
      'component-adder-jco-fixture.wasm',
      'component-hello-stdout-dwarf-jco-fixture.wasm',
      'dart2wasm-wasmgc-flutter-mosaic-main.dart.wasm',
      'emscripten-simd-threads-squoosh-jxl-enc-mt-simd.wasm',
      'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm',
      'kw-javy-js-sdk-demo-unannotated.wasm',
      'rust-javy-plugin-kubewarden-rustc1.86.wasm',
    ].map((n): [string, number, number] => [n, 0, 0]),
  ];
  it.each(expected)('%s saves %d B, %d B with name', (name, debug, withName) => {
    const b = load(name);
    const a = stripDebug(b);
    expect(a.savedBytes).toBe(debug);
    expect(a.bytes.length).toBe(b.length - debug);
    const c = stripDebug(b, { name: true, sourceMappingURL: true, externalDebugInfo: true });
    expect(c.savedBytes).toBe(withName);
    expect(customSections(c.bytes, 'io.kubewarden.metadata')).toEqual(
      customSections(b, 'io.kubewarden.metadata'),
    );
    if (WebAssembly.validate(buf(b))) expect(WebAssembly.validate(buf(c.bytes))).toBe(true);
  });

  it('rust-dwarf: removes the 7 .debug_* sections and leaves 84,038 / 67,870 B', () => {
    const b = load('rust-dwarf-hello-stdout-jco-fixture.wasm');
    const a = stripDebug(b);
    expect(a.removed).toEqual([
      '.debug_info',
      '.debug_pubtypes',
      '.debug_ranges',
      '.debug_abbrev',
      '.debug_line',
      '.debug_str',
      '.debug_pubnames',
    ]);
    expect(a.bytes.length).toBe(84038);
    const c = stripDebug(b, { name: true });
    expect(c.removed.at(-1)).toBe('name');
    expect(c.bytes.length).toBe(67870);
  });
});
