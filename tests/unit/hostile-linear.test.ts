// Hostile input at scale (issue 19): every parser of untrusted text or bytes stays linear (or n log n). Each test
// doubles the input and checks the time does not more than roughly double (see ./doubling.ts: a ratio in one run).
import { describe, expect, it } from 'vitest';
import { nextLink, parseWwwAuthenticate, sortTags } from '../../src/lib/oci';
import { readTar, splitYamlDocuments, writeTar } from '../../src/lib/artifacts';
import { decodeCustomSections, encodeCustomSection, encodeU32, parseWasm } from '../../src/lib/wasm';
import { concatParts } from '../../src/lib/common';
import { metadataFromYaml } from '../../src/lib/kubewarden';
import { expectLinear } from './doubling';

describe('Link headers', () => {
  it('reads rel="next" as before: several links, parameters in any order, quoted commas and semicolons', () => {
    // RFC 8288 §3: link-values are separated by commas, parameters by semicolons, and both may sit in quotes.
    expect(nextLink('<a>; title="x, y; rel=next"; rel="prev", <b>; rel="prev next"')).toBe('b');
    expect(nextLink('<a>; REL = next')).toBe('a');
    expect(nextLink('<a>; rel=prev; rel=next')).toBeNull(); // only the first rel counts (RFC 8288 §3.3)
    expect(nextLink('<<<<')).toBeNull();
    expect(nextLink('<a> rel=next')).toBeNull();
  });

  it('is linear in a header of many "<" with no ">" (was quadratic: 200,000 took 16 s)', () => {
    expectLinear((n) => '<'.repeat(n), nextLink, 20_000);
    expectLinear((n) => '<x>;'.repeat(n) + ' rel=next', nextLink, 20_000);
    expectLinear((n) => '<x>; rel=prev, '.repeat(n), nextLink, 20_000);
    expectLinear((n) => '<x>; title="' + ';'.repeat(n), nextLink, 100_000);
  });
});

describe('tag lists', () => {
  it('sorts 100,000 tags in n log n, each tag read once', () => {
    const tags = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        i % 3 === 0 ? `v${i % 97}.${i % 13}.${i}` : i % 3 ? `t${i}` : 'latest',
      );
    expect(sortTags(tags(100_000))).toHaveLength(100_000);
    expectLinear(tags, sortTags, 10_000);
  });
});

describe('WWW-Authenticate', () => {
  it('reads at most 32 challenges of 32 parameters (real headers have one or two)', () => {
    expect(parseWwwAuthenticate('a '.repeat(10_000))).toHaveLength(32);
    const params = Array.from({ length: 100 }, (_, i) => `p${i}=x`).join(',');
    expect(Object.keys(parseWwwAuthenticate(`Bearer ${params}`)[0]!.params)).toHaveLength(32);
  });

  it('is linear in long and repetitive challenges', () => {
    expectLinear((n) => 'Bearer ' + 'realm="x",'.repeat(n), parseWwwAuthenticate, 10_000);
    expectLinear((n) => 'Bearer ' + '\u0001'.repeat(n), parseWwwAuthenticate, 10_000);
    expectLinear((n) => 'Bearer realm="' + '\\"'.repeat(n), parseWwwAuthenticate, 10_000);
    expectLinear((n) => 'a '.repeat(n), parseWwwAuthenticate, 10_000);
  });
});

describe('multi-document YAML', () => {
  const policies = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p${i}\nspec:\n  rules: []\n`,
    ).join('---\n');

  it('numbers lines right after a single pass', () => {
    const docs = splitYamlDocuments(policies(5));
    expect(docs.map((d) => d.line)).toEqual([1, 8, 15, 22, 29]);
  });

  it('splits many documents in linear time (8,000 documents took 10.6 s: each line number rescanned the file)', () => {
    expectLinear(policies, splitYamlDocuments, 1200);
  });
});

describe('metadata YAML with many keys', () => {
  const doc = (n: number) => {
    const lines = ['rules: []', 'mutating: false', 'annotations:'];
    for (let i = 0; i < n; i++) lines.push(`  k${i}: v${i}`);
    return `${lines.join('\n')}\n`;
  };

  it('reads every key, and is linear in their number (no quadratic duplicate-key scan)', () => {
    expect(Object.keys(metadataFromYaml(doc(20_000)).metadata.annotations)).toHaveLength(20_000);
    expectLinear(doc, metadataFromYaml, 2_500);
  });
});

describe('binary parsers', () => {
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

  it('walks a module of many sections in linear time', () => {
    const sections = (n: number) =>
      concatParts([
        new Uint8Array(header),
        ...Array.from({ length: n }, (_, i) => encodeCustomSection(`s${i}`, new Uint8Array(8))),
      ]);
    expectLinear(sections, (b) => decodeCustomSections(b, parseWasm(b).sections), 5000);
  });

  it('decodes a name section of many function names in linear time', () => {
    const enc = new TextEncoder();
    const names = (n: number) => {
      const entries = Array.from({ length: n }, (_, i) => [
        ...encodeU32(i),
        ...encodeU32(`f${i}`.length),
        ...enc.encode(`f${i}`),
      ]);
      const sub = [...encodeU32(n), ...entries.flat()];
      return concatParts([
        new Uint8Array(header),
        encodeCustomSection('name', new Uint8Array([1, ...encodeU32(sub.length), ...sub])),
      ]);
    };
    expectLinear(names, (b) => decodeCustomSections(b, parseWasm(b).sections), 20_000);
  });

  it('reads a tar of many entries in linear time', () => {
    const tar = (n: number) =>
      writeTar(Array.from({ length: n }, (_, i) => ({ path: `d/f${i}.yaml`, bytes: new Uint8Array(10) })));
    expectLinear(tar, (t) => readTar(t), 1000);
  });
});
