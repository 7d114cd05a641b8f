// The section walker against the WebAssembly spec testsuite's binary modules (tests/fixtures/spec-binary, made by
// scripts/spec-binary-fixtures.sh from binary.wast, binary-leb128.wast, custom.wast, names.wast and
// utf8-custom-section-id.wast with wabt's wast2json): every valid module parses, every assert_malformed case whose
// fault a section walker can see is rejected, and names are decoded exactly (a leading U+FEFF is kept).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  customSections,
  decodeExports,
  decodeImports,
  parseWasm,
  setCustomSection,
  WasmParseError,
} from '../../src/lib/wasm';

interface SpecModule {
  wast: string;
  line: number;
  type: 'module' | 'assert_malformed';
  text: string;
  bytes: string;
}

const { modules } = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/spec-binary/modules.json'), 'utf8'),
) as { modules: SpecModule[] };
const bytesOf = (m: SpecModule) => Uint8Array.from(Buffer.from(m.bytes, 'base64'));
const label = (m: SpecModule) => `${m.wast}:${m.line} ${m.text}`;

/**
 * The spec's messages for faults in the preamble, the section headers and custom section names: what a walker
 * reads. The others (bodies: "zero flag expected", "too many locals", "section size mismatch", "invalid value
 * type", LEBs inside a body) need the section contents decoded, which Wasmlens leaves to the engine.
 */
const WALKER_MESSAGES = [
  'magic header not detected',
  'unknown binary version',
  'malformed section id',
  'invalid section id',
  'junk after last section',
  'unexpected content after last section',
  'malformed UTF-8 encoding',
  'invalid UTF-8 encoding',
  'length out of bounds',
];

describe('spec testsuite binary modules', () => {
  const valid = modules.filter((m) => m.type === 'module');
  const malformed = modules.filter((m) => m.type === 'assert_malformed');

  it('has the modules the script extracted', () => {
    expect(valid.length).toBeGreaterThan(40);
    expect(malformed.length).toBeGreaterThan(250);
  });

  it.each(valid.map((m) => [label(m), m]))('parses the valid module %s', (_, m) => {
    const bytes = bytesOf(m as SpecModule);
    const info = parseWasm(bytes);
    expect(info.kind).toBe('module');
    expect(() => decodeImports(bytes, info)).not.toThrow();
    expect(() => decodeExports(bytes, info)).not.toThrow();
  });

  it('rejects every malformed module whose fault is in the preamble, a section header or a custom name', () => {
    const missed: string[] = [];
    let checked = 0;
    for (const m of malformed) {
      const bytes = bytesOf(m);
      let error: unknown = null;
      try {
        parseWasm(bytes);
      } catch (e) {
        error = e;
      }
      if (error !== null) expect(error).toBeInstanceOf(WasmParseError);
      const visible = WALKER_MESSAGES.some((w) => m.text.startsWith(w)) || m.text === 'unexpected end';
      if (visible) checked++;
      if (error === null && visible) missed.push(label(m));
    }
    expect(missed).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it('rejects utf8-custom-section-id.wast: every invalid UTF-8 custom section name', () => {
    const cases = malformed.filter((m) => m.wast === 'utf8-custom-section-id.wast');
    expect(cases.length).toBe(176);
    for (const m of cases) expect(() => parseWasm(bytesOf(m)), label(m)).toThrow(WasmParseError);
  });

  it('uses cases every engine refuses (V8 WebAssembly.validate is false for each)', () => {
    for (const m of malformed) expect(WebAssembly.validate(bytesOf(m)), label(m)).toBe(false);
  });
});

describe('names decoded exactly (custom.wast, names.wast)', () => {
  it('keeps a lone U+FEFF export name distinct from "" (names.wast: every export name of a module differs)', () => {
    for (const m of modules.filter((x) => x.wast === 'names.wast' && x.type === 'module')) {
      const names = decodeExports(bytesOf(m)).map((e) => e.name);
      expect(new Set(names).size, label(m)).toBe(names.length);
    }
    const all = modules
      .filter((m) => m.wast === 'names.wast' && m.type === 'module')
      .flatMap((m) => decodeExports(bytesOf(m)).map((e) => e.name));
    expect(all).toContain('\u{feff}');
    expect(all).toContain('');
  });

  it('does not take a custom section named "\\u{feff}io.kubewarden.metadata" for the metadata section', () => {
    const name = new TextEncoder().encode('\u{feff}io.kubewarden.metadata');
    const bytes = Uint8Array.from([
      0,
      0x61,
      0x73,
      0x6d,
      1,
      0,
      0,
      0,
      0,
      name.length + 2,
      name.length,
      ...name,
      0x7b,
    ]);
    const [section] = parseWasm(bytes).sections;
    expect(section.name).toBe('\u{feff}io.kubewarden.metadata');
    expect(customSections(bytes, 'io.kubewarden.metadata')).toEqual([]);
    // Setting the real metadata section keeps the look-alike.
    const out = setCustomSection(bytes, 'io.kubewarden.metadata', Uint8Array.of(0x7b, 0x7d));
    expect(parseWasm(out).sections.map((s) => s.name)).toEqual([
      '\u{feff}io.kubewarden.metadata',
      'io.kubewarden.metadata',
    ]);
  });
});

describe('section order (binary.wast "junk after last section"; checked against V8)', () => {
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  const type = [1, 4, 1, 0x60, 0, 0]; // one func type
  const func = [3, 2, 1, 0]; // one function of type 0
  const code = [10, 4, 1, 2, 0, 0x0b]; // one body: no locals, end
  const memory = [5, 3, 1, 0, 1];
  const tag = [13, 3, 1, 0, 0];

  it.each([
    ['type twice', [...type, ...type], 'a second'],
    ['code before function', [...type, ...code, ...func], 'out-of-order'],
    ['memory after code', [...type, ...func, ...code, ...memory], 'out-of-order'],
    ['unknown id 14', [...type, 14, 0], 'unknown id 14'],
    ['unknown id 42', [42, 0], 'unknown id 42'],
  ])('rejects %s with its offset', (_, body, words) => {
    const bytes = Uint8Array.from([...header, ...(body as number[])]);
    expect(WebAssembly.validate(bytes)).toBe(false);
    expect(() => parseWasm(bytes)).toThrow(words as string);
    try {
      parseWasm(bytes);
    } catch (e) {
      expect((e as WasmParseError).code).toBe('bad-section');
      expect((e as WasmParseError).offset).toBeGreaterThanOrEqual(8);
    }
  });

  it('accepts the spec order with custom sections anywhere and the tag section between memory and global', () => {
    const custom = [0, 2, 1, 0x61];
    const bytes = Uint8Array.from([
      ...header,
      ...custom,
      ...type,
      ...custom,
      ...func,
      ...memory,
      ...tag,
      ...custom,
      ...code,
      ...custom,
    ]);
    expect(parseWasm(bytes).sections.map((s) => s.kind)).toEqual([
      'custom',
      'type',
      'custom',
      'function',
      'memory',
      'tag',
      'custom',
      'code',
      'custom',
    ]);
  });
});
