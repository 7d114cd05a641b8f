// Custom-section editing on hand-built bytes: byte-exact copies, padded LEBs, odd positions, opaque sections.
import { describe, expect, it } from 'vitest';
import {
  customSections,
  encodeCustomSection,
  parseWasm,
  removeCustomSections,
  setCustomSection,
  stripDebug,
  debugSections,
} from '../../src/lib/wasm';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // magic "\0asm", version 1
const ascii = (s: string) => [...new TextEncoder().encode(s)];

/** A module with a padded custom section first, a type section, an undecoded data section and two "a" sections. */
const odd = Uint8Array.from([
  ...header,
  0x00, // custom section id                         @8
  0x84,
  0x80,
  0x80,
  0x80,
  0x00, // size 4 in a padded 5-byte LEB
  0x01, // name length 1
  ...ascii('a'), // name "a"
  0x01,
  0x02, // payload 01 02
  0x01, // type section id                           @19
  0x04, // size 4
  0x01, // one type
  0x60, // func
  0x00, // no params
  0x00, // no results
  0x0b, // data section id (its body is never decoded) @25
  0x81,
  0x00, // size 1 in a padded 2-byte LEB
  0x99, // opaque payload byte
  0x00, // custom section id                         @29
  0x03, // size 3
  0x01, // name length 1
  ...ascii('b'), // name "b"
  0x07, // payload 07
  0x00, // custom section id                         @34
  0x02, // size 2
  0x01, // name length 1
  ...ascii('a'), // name "a", empty payload
]);

describe('customSections', () => {
  it('returns every payload of that name in order, after the name', () => {
    expect(customSections(odd, 'a')).toEqual([Uint8Array.from([1, 2]), new Uint8Array(0)]);
    expect(customSections(odd, 'b')).toEqual([Uint8Array.from([7])]);
    expect(customSections(odd, 'c')).toEqual([]);
  });

  it('returns copies, so changing them leaves the input alone', () => {
    customSections(odd, 'a')[0][0] = 0xee;
    expect(odd[16]).toBe(0x01); // first payload byte of the first "a"
  });
});

describe('setCustomSection', () => {
  it('removes every section of that name, keeps the rest byte for byte, appends one minimal section', () => {
    const out = setCustomSection(odd, 'a', Uint8Array.from([0xaa]));
    expect([...out]).toEqual([
      ...header,
      0x01,
      0x04,
      0x01,
      0x60,
      0x00,
      0x00, // type section unchanged
      0x0b,
      0x81,
      0x00,
      0x99, // the data section with its padded LEB unchanged
      0x00,
      0x03,
      0x01,
      ...ascii('b'),
      0x07, // custom "b" unchanged
      0x00, // new custom section id
      0x03, // size 3: minimal LEB
      0x01, // name length 1
      ...ascii('a'), // name
      0xaa, // payload
    ]);
    expect(customSections(out, 'a')).toEqual([Uint8Array.from([0xaa])]);
  });

  it('appends to the end when no section has that name, leaving the input as a prefix', () => {
    const out = setCustomSection(odd, 'new', new Uint8Array(0));
    expect([...out.subarray(0, odd.length)]).toEqual([...odd]);
    expect([...out.subarray(odd.length)]).toEqual([0x00, 0x04, 0x03, ...ascii('new')]);
  });

  it('uses a 2-byte size LEB for a 128-byte section and encodes a UTF-8 name', () => {
    const payload = new Uint8Array(124).fill(5);
    const section = encodeCustomSection('ü', payload); // name is 2 bytes in UTF-8
    // id 0, size 127 (1 name-length byte + 2 name bytes + 124) in one LEB byte, name length 2, 'ü', payload
    expect([...section.subarray(0, 6)]).toEqual([0x00, 0x7f, 0x02, 0xc3, 0xbc, 0x05]);
    const big = encodeCustomSection('ab', new Uint8Array(125));
    expect([...big.subarray(0, 4)]).toEqual([0x00, 0x80, 0x01, 0x02]); // size 128 needs two LEB bytes
    expect(parseWasm(Uint8Array.from([...header, ...big])).sections[0]).toMatchObject({
      size: 128,
      name: 'ab',
    });
  });

  it('works on a component and does not touch its core-module section', () => {
    const component = Uint8Array.from([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x0d,
      0x00,
      0x01,
      0x00, // component preamble
      0x01,
      0x08,
      ...header, // core-module section holding an empty module
      0x00,
      0x02,
      0x01,
      ...ascii('x'), // custom "x", empty payload
    ]);
    const out = setCustomSection(component, 'x', Uint8Array.from([1]));
    expect([...out]).toEqual([...component.subarray(0, 18), 0x00, 0x03, 0x01, ...ascii('x'), 0x01]);
  });

  it('rejects input it cannot parse, with a WasmParseError', () => {
    expect(() =>
      setCustomSection(Uint8Array.from([...header, 0x00, 0x05, 0x01]), 'a', new Uint8Array()),
    ).toThrow(expect.objectContaining({ name: 'WasmParseError', code: 'section-overflow', offset: 8 }));
  });
});

describe('removeCustomSections', () => {
  it('offers only custom sections to the predicate', () => {
    const seen: string[] = [];
    const out = removeCustomSections(odd, (s) => {
      seen.push(`${s.id}:${s.name}`);
      return true;
    });
    expect(seen).toEqual(['0:a', '0:b', '0:a']);
    expect([...out]).toEqual([...header, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x0b, 0x81, 0x00, 0x99]);
  });

  it('returns an identical copy when nothing matches', () => {
    const out = removeCustomSections(odd, () => false);
    expect(out).toEqual(odd);
    expect(out).not.toBe(odd);
  });
});

describe('stripDebug', () => {
  const named = (name: string, payload: number[]) => [
    0x00,
    1 + name.length + payload.length,
    name.length,
    ...ascii(name),
    ...payload,
  ];
  const mod = Uint8Array.from([
    ...header,
    ...named('.debug_info', [1, 2, 3]), // 1 + 1 + 15 = 17 bytes on disk
    0x01,
    0x01,
    0x00, // empty type section (count 0)
    ...named('name', [0]), // 1 + 1 + 6 = 8 bytes
    ...named('sourceMappingURL', [0x01, 0x61]), // 1 + 1 + 19 = 21 bytes
    ...named('external_debug_info', []), // 1 + 1 + 20 = 22 bytes
    ...named('producers', [0]), // 1 + 1 + 11 = 13 bytes
    ...named('io.kubewarden.metadata', [0x7b, 0x7d]), // never stripped
    ...named('.debug_line', []), // 1 + 1 + 12 = 14 bytes
  ]);

  it('always removes .debug_* and nothing else by default', () => {
    const r = stripDebug(mod);
    expect(r.removed).toEqual(['.debug_info', '.debug_line']);
    expect(r.savedBytes).toBe(17 + 14);
    expect(r.bytes.length).toBe(mod.length - 31);
    expect(parseWasm(r.bytes).sections.map((s) => s.name ?? s.kind)).toEqual([
      'type',
      'name',
      'sourceMappingURL',
      'external_debug_info',
      'producers',
      'io.kubewarden.metadata',
    ]);
  });

  it('lists what it would remove, with the on-disk size of each, without copying', () => {
    const info = parseWasm(mod);
    const all = { name: true, producers: true, sourceMappingURL: true, externalDebugInfo: true };
    const listed = debugSections(info, all);
    expect(listed.map((s) => [s.name, s.bytes])).toEqual([
      ['.debug_info', 17],
      ['name', 8],
      ['sourceMappingURL', 21],
      ['external_debug_info', 22],
      ['producers', 13],
      ['.debug_line', 14],
    ]);
    expect(listed[0].offset).toBe(8);
    // The list agrees with what stripping really saves.
    const r = stripDebug(mod, all, info);
    expect(listed.reduce((n, s) => n + s.bytes, 0)).toBe(r.savedBytes);
    expect(r.removed).toEqual(listed.map((s) => s.name));
    expect(debugSections(info).map((s) => s.name)).toEqual(['.debug_info', '.debug_line']);
  });

  it('removes name, sourceMappingURL and external_debug_info only when asked', () => {
    const r = stripDebug(mod, { name: true, sourceMappingURL: true, externalDebugInfo: true });
    expect(r.removed).toEqual([
      '.debug_info',
      'name',
      'sourceMappingURL',
      'external_debug_info',
      '.debug_line',
    ]);
    expect(r.savedBytes).toBe(17 + 8 + 21 + 22 + 14);
    expect(customSections(r.bytes, 'producers')).toHaveLength(1);
    expect(customSections(r.bytes, 'io.kubewarden.metadata')).toEqual([Uint8Array.from([0x7b, 0x7d])]);
    expect(stripDebug(mod, { sourceMappingURL: true }).removed).toEqual([
      '.debug_info',
      'sourceMappingURL',
      '.debug_line',
    ]);
  });

  it('counts the padded size LEB in the saved bytes', () => {
    const r = stripDebug(
      Uint8Array.from([
        ...header,
        0x00, // custom section id
        0x88,
        0x80,
        0x80,
        0x80,
        0x00, // size 8, padded to 5 bytes
        0x07, // name length 7
        ...ascii('.debug_'), // name
      ]),
    );
    expect(r.savedBytes).toBe(1 + 5 + 8);
    expect([...r.bytes]).toEqual(header);
  });

  it('returns a copy with 0 saved when there is nothing to strip', () => {
    const r = stripDebug(Uint8Array.from(header));
    expect(r).toEqual({ bytes: Uint8Array.from(header), removed: [], savedBytes: 0 });
  });
});
