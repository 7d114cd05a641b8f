// The metadata section: strict JSON reading, kwctl's exact serialisation, and byte-preserving annotate.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  annotate,
  compareUtf8,
  emptyMetadata,
  MetadataError,
  parseMetadataJson,
  readMetadata,
  serializeMetadata,
  type Metadata,
} from '../../src/lib/kubewarden';
import { encodeCustomSection, parseWasm } from '../../src/lib/wasm';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const enc = new TextEncoder();
const custom = (name: string, payload: string) => [...encodeCustomSection(name, enc.encode(payload))];
const concat = (...parts: number[][]) => Uint8Array.from(parts.flat());

function jsonError(input: string | Uint8Array): MetadataError {
  try {
    parseMetadataJson(input);
  } catch (e) {
    if (e instanceof MetadataError) return e;
    throw e;
  }
  throw new Error('expected a MetadataError');
}

describe('serializeMetadata', () => {
  it('writes the spec example byte for byte', () => {
    const m: Metadata = {
      ...emptyMetadata(),
      rules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }],
      annotations: { 'io.kubewarden.policy.author': 'Flavio Castelli', 'io.kubewarden.kwctl': '1.36.0' },
    };
    expect(text(serializeMetadata(m))).toBe(
      '{"protocolVersion":"v1","rules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"operations":["CREATE"]}],' +
        '"annotations":{"io.kubewarden.kwctl":"1.36.0","io.kubewarden.policy.author":"Flavio Castelli"},"mutating":false,' +
        '"backgroundAudit":true,"executionMode":"kubewarden-wapc","policyType":"kubernetes","contextAwareResources":[]}',
    );
  });

  it('sorts and deduplicates context-aware resources and host capabilities, and writes optional keys only when set', () => {
    const m: Metadata = {
      ...emptyMetadata('wasi'),
      contextAwareResources: [
        { apiVersion: 'v1', kind: 'Pod' },
        { apiVersion: 'apps/v1', kind: 'Deployment' },
        { apiVersion: 'v1', kind: 'Namespace' },
        { apiVersion: 'v1', kind: 'Pod' },
      ],
      hostCapabilities: ['oci/v1/verify', 'kubernetes/can_i', 'oci/v1/verify'],
      minimumKubewardenVersion: '1.17.0',
    };
    const json = text(serializeMetadata(m));
    expect(json).toContain(
      '"contextAwareResources":[{"apiVersion":"apps/v1","kind":"Deployment"},{"apiVersion":"v1","kind":"Namespace"},{"apiVersion":"v1","kind":"Pod"}],' +
        '"hostCapabilities":["kubernetes/can_i","oci/v1/verify"],"minimumKubewardenVersion":"1.17.0"}',
    );
    expect(text(serializeMetadata({ ...emptyMetadata(), hostCapabilities: [] }))).toContain(
      '"hostCapabilities":[]',
    );
    expect(text(serializeMetadata(emptyMetadata()))).not.toContain('hostCapabilities');
  });

  it('sorts annotation keys by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF5E (BMP, UTF-16 0xFF5E) sorts before U+1F600 in UTF-8, but after its surrogate 0xD83D in UTF-16.
    const m = { ...emptyMetadata(), annotations: { '😀': 'a', '～': 'b', a: 'c' } };
    expect(Object.keys(JSON.parse(text(serializeMetadata(m))).annotations)).toEqual(['a', '～', '😀']);
    expect(['😀', '～'].sort()).toEqual(['😀', '～']); // the default order differs
  });

  it('compareUtf8 agrees with byte order on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a), Buffer.from(b));
        expect(Math.sign(compareUtf8(a, b))).toBe(bytes);
      }),
    );
  });

  it('escapes like serde_json: short escapes, lowercase \\u00xx, no escaping of / or non-ASCII', () => {
    const m = { ...emptyMetadata(), annotations: { k: 'a/b "q" \\ \n\t\r\b\f \u0001\u001f é 😀 \u007f' } };
    expect(text(serializeMetadata(m))).toContain(
      '"k":"a/b \\"q\\" \\\\ \\n\\t\\r\\b\\f \\u0001\\u001f é 😀 \u007f"',
    );
  });

  it('round-trips through parseMetadataJson for arbitrary annotations', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (annotations) => {
        const m = { ...emptyMetadata(), annotations };
        const bytes = serializeMetadata(m);
        const back = parseMetadataJson(bytes).metadata;
        expect(serializeMetadata(back)).toEqual(bytes);
        expect(back.annotations).toEqual(annotations);
      }),
    );
  });
});

describe('parseMetadataJson', () => {
  it('fills defaults for old files and drops legacy keys with a warning', () => {
    const { metadata, warnings } = parseMetadataJson(
      '{"protocolVersion":"v1","rules":[],"mutating":true,"contextAware":true,"annotatedBy":"x"}',
    );
    expect(metadata).toEqual({ ...emptyMetadata(), mutating: true });
    expect(warnings).toEqual([
      'Unknown metadata keys are ignored and will be dropped on save: contextAware, annotatedBy',
    ]);
  });

  it('warns when protocolVersion is missing', () => {
    const { metadata, warnings } = parseMetadataJson('{"rules":[],"mutating":false,"executionMode":"opa"}');
    expect(metadata.protocolVersion).toBe('Unknown');
    expect(warnings[0]).toContain('protocol_version not defined');
  });

  it.each([
    ['{"rules":[', 'Error parsing policy metadata: '],
    ['[]', 'invalid type: sequence, expected struct Metadata'],
    ['{"mutating":false}', 'missing field `rules`'],
    ['{"rules":[],"mutating":"false"}', 'mutating: invalid type: string "false", expected a boolean'],
    [
      '{"rules":[],"mutating":false,"annotations":{"a":1}}',
      'annotations.a: invalid type: integer `1`, expected a string',
    ],
    ['{"rules":[],"mutating":false,"executionMode":"wapc"}', 'unknown variant `wapc`'],
    [
      '{"rules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"operations":["create"]}],"mutating":false}',
      'rules.0.operations.0: unknown variant `create`',
    ],
  ])('rejects %s', (json, message) => {
    const e = jsonError(json);
    expect(e.code).toBe('bad-json');
    expect(e.message.startsWith('Error parsing policy metadata: ')).toBe(true);
    expect(e.message).toContain(message);
  });

  it('rejects invalid UTF-8', () => {
    expect(jsonError(Uint8Array.from([0x7b, 0xff, 0x7d])).message).toContain('UTF-8');
  });
});

describe('readMetadata and annotate on hand-built modules', () => {
  const good = '{"protocolVersion":"v1","rules":[],"mutating":false}';

  it('returns null without a section, and reads the first of several with a warning', () => {
    expect(readMetadata(concat(header, custom('name', 'x')))).toBeNull();
    const second = good.replace('false', 'true');
    const bytes = concat(
      header,
      custom('io.kubewarden.metadata', good),
      custom('a', ''),
      custom('io.kubewarden.metadata', second),
    );
    const read = readMetadata(bytes)!;
    expect(read.sectionCount).toBe(2);
    expect(read.metadata.mutating).toBe(false);
    expect(read.warnings[0]).toContain('2 io.kubewarden.metadata sections');
    // Saving collapses them into one section, at the end.
    const out = annotate(bytes, read.metadata);
    const names = parseWasm(out).sections.map((s) => s.name);
    expect(names).toEqual(['a', 'io.kubewarden.metadata']);
  });

  it('throws bad-json for a broken first section', () => {
    const bytes = concat(
      header,
      custom('io.kubewarden.metadata', '{'),
      custom('io.kubewarden.metadata', good),
    );
    expect(() => readMetadata(bytes)).toThrow(MetadataError);
  });

  it('keeps a custom section placed first and padded LEBs, and appends the metadata last', () => {
    // A padded custom section: size 3 written as 5 bytes.
    const padded = [0x00, 0x83, 0x80, 0x80, 0x80, 0x00, 0x01, 0x61, 0x7a];
    const type = [0x01, 0x84, 0x80, 0x80, 0x80, 0x00, 0x01, 0x60, 0x00, 0x00];
    const input = concat(header, padded, type, custom('io.kubewarden.metadata', good), custom('tail', 'z'));
    const out = annotate(input, { ...emptyMetadata('wasi'), annotations: { t: '1' } });
    const prefix = header.length + padded.length + type.length;
    expect([...out.subarray(0, prefix)]).toEqual([...input.subarray(0, prefix)]);
    const sections = parseWasm(out).sections;
    expect(sections.map((s) => s.name ?? s.kind)).toEqual(['a', 'type', 'tail', 'io.kubewarden.metadata']);
    expect(sections[0].paddedSize).toBe(true);
    expect(readMetadata(out)!.metadata).toEqual({ ...emptyMetadata('wasi'), annotations: { t: '1' } });
  });

  it('never adds or fakes io.kubewarden.kwctl, and keeps the file value', () => {
    const plain = Uint8Array.from(header);
    const typed = { ...emptyMetadata(), annotations: { 'io.kubewarden.kwctl': '9.9.9' } };
    expect(readMetadata(annotate(plain, typed))!.metadata.annotations).toEqual({});
    const withKwctl = annotate(plain, emptyMetadata(), { existingKwctl: '1.6.0' });
    expect(readMetadata(withKwctl)!.metadata.annotations).toEqual({ 'io.kubewarden.kwctl': '1.6.0' });
    // Re-annotating that file keeps 1.6.0 whatever the editor says.
    expect(readMetadata(annotate(withKwctl, typed))!.metadata.annotations).toEqual({
      'io.kubewarden.kwctl': '1.6.0',
    });
    expect(readMetadata(annotate(withKwctl, emptyMetadata()))!.metadata.annotations).toEqual({
      'io.kubewarden.kwctl': '1.6.0',
    });
  });

  it('writes protocolVersion Unknown for non-waPC modes, as kwctl does', () => {
    const out = annotate(Uint8Array.from(header), { ...emptyMetadata('opa'), protocolVersion: 'v1' });
    expect(readMetadata(out)!.metadata.protocolVersion).toBe('Unknown');
  });

  it('refuses components', () => {
    const component = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
    expect(() => annotate(component, emptyMetadata())).toThrow(
      expect.objectContaining({ code: 'not-core-module' }),
    );
  });
});

describe('untrusted input never escapes as anything but MetadataError', () => {
  it('parseMetadataJson on random JSON values and random bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (input) => {
        try {
          parseMetadataJson(input);
        } catch (e) {
          expect(e).toBeInstanceOf(MetadataError);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseMetadataJson(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(MetadataError);
        }
      }),
    );
  });
});
