import { describe, expect, it } from 'vitest';
import { parseWasm, WasmParseError } from '../../src/lib/wasm';
import { fixture } from './helpers';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function parseError(bytes: number[] | Uint8Array): WasmParseError {
  try {
    parseWasm(Uint8Array.from(bytes));
  } catch (e) {
    if (e instanceof WasmParseError) return e;
    throw e;
  }
  throw new Error('expected a WasmParseError');
}

describe('parseWasm on hand-built bytes', () => {
  it('reads an empty core module', () => {
    const info = parseWasm(Uint8Array.from(header));
    expect(info).toEqual({ kind: 'module', version: 1, size: 8, sections: [] });
  });

  it('reads a padded custom section, and refuses an unknown section id with its offset', () => {
    const bytes = Uint8Array.from([
      ...header,
      0x00, // custom section id
      0x84,
      0x80,
      0x80,
      0x80,
      0x00, // size 4, padded to 5 bytes
      0x02, // name length 2
      0x68,
      0x69, // name "hi"
      0xff, // one byte of payload
      0x2a, // unknown section id 42
      0x01, // size 1
      0x00, // payload
    ]);
    // binary.wast / custom.wast: an id above 13 is "malformed section id" in every engine.
    expect(() => parseWasm(bytes)).toThrow(expect.objectContaining({ code: 'bad-section', offset: 18 }));
    bytes[18] = 0x0b; // a data section instead: contents are not decoded by the walker
    const [custom, data] = parseWasm(bytes).sections;
    expect(custom).toEqual({
      id: 0,
      kind: 'custom',
      offset: 8,
      payloadOffset: 14,
      size: 4,
      name: 'hi',
      dataOffset: 17,
      paddedSize: true,
    });
    expect(data).toMatchObject({
      id: 11,
      kind: 'data',
      offset: 18,
      payloadOffset: 20,
      size: 1,
      paddedSize: false,
    });
  });

  it('detects a component from its version bytes', () => {
    const info = parseWasm(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x01, 0x00]));
    expect(info.kind).toBe('component');
    expect(info.sections[0]).toMatchObject({ id: 1, kind: 'core-module', size: 0 });
  });

  it('reads the WAT-built fixture', () => {
    const info = parseWasm(fixture('minimal.wasm'));
    expect(info.kind).toBe('module');
    expect(info.sections.map((s) => s.kind)).toEqual([
      'type',
      'import',
      'function',
      'memory',
      'export',
      'code',
      'custom',
    ]);
    expect(info.sections.at(-1)?.name).toBe('name');
  });
});

describe('parseWasm on bad input', () => {
  it('names what a non-wasm file looks like', () => {
    expect(parseError([]).message).toMatch(/empty file/);
    expect(parseError([0x1f, 0x8b, 8, 0]).message).toMatch(/gzip/);
    expect(parseError([...new TextEncoder().encode('{"a": 1}')]).message).toMatch(/JSON/);
    expect(parseError([...new TextEncoder().encode('<!DOCTYPE html><html>')]).message).toMatch(/HTML/);
    expect(parseError([...new TextEncoder().encode('rules:\n  - a\n')]).message).toMatch(/YAML/);
    expect(parseError([0x50, 0x4b, 0x03, 0x04]).code).toBe('not-wasm');
  });

  it('rejects a section that declares more bytes than remain', () => {
    const e = parseError([...header, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(e.code).toBe('section-overflow');
    expect(e.offset).toBe(8);
  });

  it('rejects a LEB longer than 5 bytes and a truncated LEB', () => {
    expect(parseError([...header, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).code).toBe('bad-leb');
    expect(parseError([...header, 0x01, 0x80]).code).toBe('truncated');
  });

  it('rejects an unknown version', () => {
    expect(parseError([0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0]).code).toBe('unsupported-version');
  });

  it('names WAT text, tar archives and ELF executables', () => {
    expect(parseError([...new TextEncoder().encode('(module\n  (func))')]).message).toMatch(/WAT/);
    const tar = new Uint8Array(600);
    tar.set(new TextEncoder().encode('ustar'), 257); // POSIX tar magic at offset 257
    expect(parseError(tar).message).toMatch(/tar archive/);
    expect(parseError([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).message).toMatch(/ELF/);
  });

  it('rejects a pre-release component version and a header cut short', () => {
    const e = parseError([0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00]); // component draft 0x0c
    expect(e).toMatchObject({ code: 'unsupported-version', offset: 4 });
    expect(e.message).toMatch(/pre-release version 0xc/);
    expect(parseError([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00])).toMatchObject({ code: 'truncated', offset: 6 });
  });

  it('rejects a custom section name that is not UTF-8 or runs past its section', () => {
    const badUtf8 = parseError([
      ...header,
      0x00, // custom section id
      0x02, // size 2
      0x01, // name length 1
      0xff, // not UTF-8
    ]);
    expect(badUtf8).toMatchObject({ code: 'bad-utf8', offset: 11 });
    const overflow = parseError([
      ...header,
      0x00, // custom section id
      0x02, // size 2
      0x05, // name length 5: more than the section holds
      0x61, // "a"
    ]);
    expect(overflow).toMatchObject({ code: 'section-overflow', offset: 10 });
  });
});
