// Decoders of custom sections, imports/exports, data segments and component structure, on hand-built bytes,
// the WAT fixture and (when WASMLENS_CORPUS is set) every corpus file against wasm-objdump.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  componentSummary,
  customSections,
  dataSegments,
  decodeCustomSections,
  decodeExports,
  decodeImports,
  decodeNameSection,
  decodeProducers,
  decodeTargetFeatures,
  parseWasm,
  toolchain,
  WasmParseError,
} from '../../src/lib/wasm';
import { corpus, corpusDir, fixture } from './helpers';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // core module preamble
const compHeader = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]; // component preamble
const ascii = (s: string) => [...new TextEncoder().encode(s)];
const str = (s: string) => [s.length, ...ascii(s)]; // a short name: 1-byte length + bytes

function thrown(run: () => unknown): WasmParseError {
  try {
    run();
  } catch (e) {
    if (e instanceof WasmParseError) return e;
    throw e;
  }
  throw new Error('expected a WasmParseError');
}

describe('decodeProducers', () => {
  const payload = Uint8Array.from([
    0x02, // two fields
    ...str('language'), // field name
    0x01, // one value
    ...str('Rust'), // value name
    ...str(''), // empty version
    ...str('processed-by'), // field name
    0x02, // two values
    ...str('rustc'),
    ...str('1.86.0'),
    ...str('clang'),
    ...str('16.0.0'),
  ]);

  it('reads fields and values in order', () => {
    expect(decodeProducers(payload)).toEqual([
      { name: 'language', values: [{ name: 'Rust', version: '' }] },
      {
        name: 'processed-by',
        values: [
          { name: 'rustc', version: '1.86.0' },
          { name: 'clang', version: '16.0.0' },
        ],
      },
    ]);
    expect(toolchain(decodeProducers(payload))).toBe('Rust; rustc 1.86.0, clang 16.0.0');
  });

  it('reports a count larger than the payload as section-overflow at a file offset', () => {
    const e = thrown(() => decodeProducers(Uint8Array.from([0x05, ...str('sdk'), 0x01]), 1000));
    expect(e.code).toBe('section-overflow');
    expect(e.offset).toBe(1000 + 6); // after count (1) + name (4) + value count (1): the value is missing
    expect(e.message).toContain('byte 1006');
  });

  it('rejects a name that is not UTF-8', () => {
    expect(thrown(() => decodeProducers(Uint8Array.from([0x01, 0x01, 0xff, 0x00]))).code).toBe('bad-utf8');
  });
});

describe('decodeNameSection', () => {
  const payload = Uint8Array.from([
    0x00, // subsection 0: module name
    0x04, // size 4
    ...str('mod'),
    0x01, // subsection 1: function names
    0x07, // size 7
    0x02, // two entries
    0x00, // function 0
    ...str('a'),
    0x03, // function 3
    ...str('b'),
    0x02, // subsection 2: local names
    0x0a, // size 10
    0x01, // one function
    0x03, // function 3
    0x02, // two locals
    0x00, // local 0
    ...str('x'),
    0x01, // local 1
    ...str('yz'),
    0x07, // subsection 7: global names (not decoded)
    0x02, // size 2
    0x00, // no entries
    0x00, // padding byte inside the subsection
  ]);

  it('reads the module name and counts function and local names', () => {
    expect(decodeNameSection(payload)).toEqual({
      moduleName: 'mod',
      functionNameCount: 2,
      localNameCount: 2,
      functionNames: [
        { index: 0, name: 'a' },
        { index: 3, name: 'b' },
      ],
      otherSubsections: [{ id: 7, size: 2 }],
    });
  });

  it('keeps each subsection inside its declared size', () => {
    // Subsection 1 declares 2 bytes but its entry needs 3.
    const e = thrown(() => decodeNameSection(Uint8Array.from([0x01, 0x02, 0x01, 0x00, 0x01, 0x61])));
    expect(e.code).toBe('section-overflow');
  });
});

describe('decodeTargetFeatures', () => {
  it('reads prefix and name', () => {
    const payload = Uint8Array.from([0x02, 0x2b, ...str('simd128'), 0x2d, ...str('atomics')]);
    expect(decodeTargetFeatures(payload)).toEqual([
      { prefix: '+', name: 'simd128' },
      { prefix: '-', name: 'atomics' },
    ]);
  });

  it('rejects an unknown prefix', () => {
    expect(thrown(() => decodeTargetFeatures(Uint8Array.from([0x01, 0x3f, 0x00]))).code).toBe('bad-section');
  });
});

describe('decodeCustomSections', () => {
  it('decodes known sections, keeps the first bytes of others, and keeps going after a bad one', () => {
    const bytes = Uint8Array.from([
      ...header,
      0x00, // custom section id
      0x0d, // size 13
      ...str('producers'),
      0x02, // two fields
      0x00, // first field: empty name
      0x00, // no values; the second field is missing
      0x00, // custom section id
      0x05, // size 5
      ...str('zz'), // name "zz"
      0xab, // payload
      0xcd,
    ]);
    const [bad, raw] = decodeCustomSections(bytes, parseWasm(bytes).sections);
    expect(bad.decoded.type).toBe('error');
    expect(raw.decoded).toEqual({ type: 'raw', head: Uint8Array.from([0xab, 0xcd]), length: 2 });
  });

  it('shows Kubewarden metadata as indented JSON, and the first bytes when it is not JSON', () => {
    const section = (name: string, payload: string) => {
      const body = [...str(name), ...ascii(payload)];
      return [0x00, body.length, ...body];
    };
    const json = '{"rules":[],"annotations":{"io.kubewarden.policy.title":"x"}}';
    const bytes = Uint8Array.from([
      ...header,
      ...section('io.kubewarden.metadata', json),
      ...section('io.kubewarden.metadata', '{"rules": ['),
      ...section('other', json),
    ]);
    const [good, broken, other] = decodeCustomSections(bytes, parseWasm(bytes).sections);
    // The expected text is JSON.stringify's own two-space indentation of the same value.
    expect(good.decoded).toEqual({
      type: 'json',
      pretty: JSON.stringify(JSON.parse(json), null, 2),
      length: json.length,
    });
    expect(good.decoded.type === 'json' && good.decoded.pretty.split('\n')).toHaveLength(6);
    expect(broken.decoded).toMatchObject({ type: 'raw', length: 11 });
    expect(other.decoded.type).toBe('raw');
  });
});

describe('imports, exports and data on the WAT fixture', () => {
  const bytes = fixture('wasm-kinds.wasm');

  it('decodes every import kind', () => {
    expect(decodeImports(bytes)).toEqual([
      { module: 'env', name: 'log', kind: 'func' },
      { module: 'env', name: 'table', kind: 'table' },
      { module: 'env', name: 'memory', kind: 'memory' },
      { module: 'env', name: 'mem64', kind: 'memory' },
      { module: 'env', name: 'g', kind: 'global' },
      { module: 'env', name: 'ref', kind: 'global' },
      { module: 'env', name: 'tag', kind: 'tag' },
    ]);
  });

  it('decodes exports with their indices', () => {
    expect(decodeExports(bytes)).toEqual([
      { name: 'run', kind: 'func', index: 1 },
      { name: 'h', kind: 'global', index: 2 },
      { name: 'mem', kind: 'memory', index: 0 },
      { name: 'tbl', kind: 'table', index: 0 },
      { name: 'err', kind: 'tag', index: 0 },
      { name: 'own', kind: 'tag', index: 1 },
    ]);
  });

  it('returns active, passive and explicit-memory data payloads', () => {
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    const segs = dataSegments(bytes);
    expect(segs.map((s) => s.length)).toEqual([10, 13, 3]);
    expect(text(segs[0])).toBe('kubewarden');
    expect(text(segs[1])).toBe('oci/v1/verify');
    expect([...segs[2]]).toEqual([0xff, 0x00, 0x01]);
  });

  it('decodes the name section wat2wasm wrote', () => {
    const [names] = decodeCustomSections(bytes, parseWasm(bytes).sections);
    expect(names.decoded).toMatchObject({
      type: 'name',
      names: { moduleName: 'kinds', functionNameCount: 3, localNameCount: 4 },
    });
  });

  it('rejects an import with an unknown kind byte, at its offset', () => {
    const bad = Uint8Array.from([
      ...header,
      0x02, // import section
      0x06, // size 6
      0x01, // one import
      ...str('m'),
      ...str('n'),
      0x09, // kind 9: unknown
    ]);
    expect(thrown(() => decodeImports(bad))).toMatchObject({ code: 'bad-section', offset: 15 });
  });

  it('stops at the section end when a count is huge', () => {
    const bad = Uint8Array.from([...header, 0x07, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f]); // 2^32-1 exports, no bytes
    expect(thrown(() => decodeExports(bad)).code).toBe('section-overflow');
  });
});

describe('componentSummary', () => {
  it('counts top-level and nested core modules and components', () => {
    const inner = [
      ...compHeader,
      0x01,
      0x08,
      ...header, // nested core module
    ];
    const bytes = Uint8Array.from([
      ...compHeader,
      0x01,
      0x08,
      ...header, // core-module section holding an empty module
      0x04,
      inner.length,
      ...inner, // component section holding a component with one core module
      0x00,
      0x02,
      ...str('x'), // custom "x"
    ]);
    expect(componentSummary(bytes)).toEqual({
      sectionCounts: [
        { kind: 'core-module', count: 1 },
        { kind: 'component', count: 1 },
        { kind: 'custom', count: 1 },
      ],
      topLevelCoreModules: 1,
      topLevelComponents: 1,
      coreModules: 2,
      components: 1,
      maxDepth: 1,
    });
  });

  it('refuses a core module and a nested component with a bad header', () => {
    expect(thrown(() => componentSummary(Uint8Array.from(header))).code).toBe('not-component');
    const bad = Uint8Array.from([...compHeader, 0x04, 0x08, ...header]);
    expect(thrown(() => componentSummary(bad))).toMatchObject({ code: 'bad-section', offset: 10 });
  });

  it('refuses nesting deeper than 64 without exhausting the stack', () => {
    let body: number[] = [...compHeader];
    for (let i = 0; i < 70; i++) body = [...compHeader, 0x04, ...leb(body.length), ...body];
    expect(thrown(() => componentSummary(Uint8Array.from(body))).message).toMatch(/nested more than 64/);
  });
});

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n >>>= 7;
  } while (n);
  return out;
}

const dir = corpusDir();
const hasObjdump = existsSync('/usr/bin/wasm-objdump');
const coreFiles = dir
  ? readdirSync(dir).filter((f) => f.endsWith('.wasm') && !f.startsWith('component-'))
  : [];

describe.skipIf(!dir)('decoders on the corpus', () => {
  const producers = (name: string) =>
    toolchain(decodeProducers(customSections(corpus(name), 'producers')[0]));

  it('reads the toolchains of the README', () => {
    expect(producers('kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm')).toMatch(
      /^JavaScript ES2020; .*Javy 5\.0\.4.*walrus 0\.23\.3/,
    );
    expect(producers('kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm')).toMatch(
      /C99; .*clang 15\.0\.0.*TinyGo 0\.28\.1.*walrus 0\.19\.0/,
    );
    expect(producers('kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm')).toMatch(
      /clang 13\.0\.1.*walrus 0\.21\.1/,
    );
    expect(producers('rust-javy-plugin-kubewarden-rustc1.86.wasm')).toMatch(/rustc 1\.86\.0.*clang 16\.0\.0/);
  });

  it('summarises both components', () => {
    const adder = componentSummary(corpus('component-adder-jco-fixture.wasm'));
    expect([adder.topLevelCoreModules, adder.topLevelComponents]).toEqual([1, 1]);
    expect(adder.sectionCounts.reduce((n, s) => n + s.count, 0)).toBe(10);
    const hello = componentSummary(corpus('component-hello-stdout-dwarf-jco-fixture.wasm'));
    expect(hello.sectionCounts).toEqual(
      expect.arrayContaining([
        { kind: 'type', count: 11 },
        { kind: 'import', count: 10 },
        { kind: 'alias', count: 33 },
        { kind: 'core-module', count: 4 },
        { kind: 'core-instance', count: 14 },
        { kind: 'canon', count: 20 },
        { kind: 'custom', count: 2 },
      ]),
    );
    expect(hello.topLevelCoreModules).toBe(4);
  });

  it.skipIf(!hasObjdump).each(coreFiles)(
    '%s: name and target_features agree with wasm-objdump -x',
    (name) => {
      const bytes = corpus(name);
      const views = decodeCustomSections(bytes, parseWasm(bytes).sections);
      for (const v of views) {
        const out = spawnSync('wasm-objdump', ['-x', '-j', v.name, join(dir as string, name)], {
          encoding: 'utf8',
          maxBuffer: 64 << 20,
        }).stdout;
        if (v.decoded.type === 'name') {
          expect(v.decoded.names.functionNameCount).toBe(out.match(/^ - func\[\d+\] </gm)?.length ?? 0);
          expect(v.decoded.names.localNameCount).toBe(
            out.match(/^ - func\[\d+\] local\[\d+\] </gm)?.length ?? 0,
          );
          expect(v.decoded.names.moduleName).toBe(/^ - module <(.*)>$/m.exec(out)?.[1]);
        } else if (v.decoded.type === 'target_features') {
          const theirs = [...out.matchAll(/^ {2}- \[(.)\] (.+)$/gm)].map((m) => ({
            prefix: m[1],
            name: m[2],
          }));
          expect(v.decoded.features).toEqual(theirs);
        } else {
          expect(v.decoded.type).not.toBe('error');
        }
      }
    },
  );
});
