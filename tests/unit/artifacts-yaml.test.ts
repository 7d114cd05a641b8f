// The multi-document YAML splitter and the Kyverno policy checks.
import { describe, expect, it } from 'vitest';
import {
  checkKyvernoPolicy,
  splitYamlDocuments,
  MAX_YAML_BYTES,
  ArtifactError,
} from '../../src/lib/artifacts';
import { fixture } from './helpers';

const text = (name: string) => new TextDecoder().decode(fixture(`artifacts/${name}`));

describe('splitYamlDocuments', () => {
  it('lists kind, name, apiVersion and namespace of each document', () => {
    const docs = splitYamlDocuments(text('kyverno-policies.yaml'));
    expect(docs.map((d) => [d.apiVersion, d.kind, d.name, d.namespace])).toEqual([
      ['kyverno.io/v1', 'ClusterPolicy', 'require-labels', null],
      ['kyverno.io/v1', 'Policy', 'disallow-latest', 'apps'],
    ]);
    expect(docs[1]!.line).toBe(21); // the line of `apiVersion`, after the `---` marker
    // Each document's text parses on its own to the same value, without markers.
    for (const d of docs) {
      expect(d.text.startsWith('---')).toBe(false);
      expect(splitYamlDocuments(d.text)[0]!.value).toEqual(d.value);
    }
    expect(docs.every((d) => checkKyvernoPolicy(d).length === 0)).toBe(true);
  });

  it('skips empty documents and reports parse errors per document', () => {
    const docs = splitYamlDocuments(
      '---\n---\nkind: A\nmetadata: {name: a}\n...\n---\n# only a comment\n---\nx: [\n',
    );
    expect(docs.map((d) => d.kind)).toEqual(['A', null]);
    expect(docs[0]!.errors).toEqual([]);
    expect(docs[1]!.errors.length).toBeGreaterThan(0);
    expect(docs[1]!.value).toBeNull();
  });

  it('refuses alias bombs and oversized text with clear errors', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [*${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}]`,
      );
    const [doc] = splitYamlDocuments(bomb.join('\n'));
    expect(doc!.errors.join(' ')).toMatch(/alias/i);
    expect(() => splitYamlDocuments('x'.repeat(MAX_YAML_BYTES + 1))).toThrow(ArtifactError);
  });
});

describe('checkKyvernoPolicy', () => {
  it('names what is missing or wrong in each document', () => {
    // The unparsable last document lives here: a fixture file holding it would break the formatter.
    const docs = splitYamlDocuments(`${text('not-a-policy.yaml')}---\nbad: [unclosed\n`);
    const issues = docs.map((d) => checkKyvernoPolicy(d).map((i) => `${i.severity}:${i.field}`));
    expect(issues).toEqual([
      ['error:apiVersion', 'error:kind'],
      ['error:metadata.name'],
      ['error:apiVersion'],
      ['error:document'],
    ]);
    expect(checkKyvernoPolicy(docs[1]!)[0]!.message).toMatch(/document 2 \(line 9\) has no metadata.name/);
  });

  it('warns about newer policies.kyverno.io kinds without refusing them', () => {
    const [doc] = splitYamlDocuments(
      'apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: v\n',
    );
    expect(checkKyvernoPolicy(doc!).map((i) => i.severity)).toEqual(['warning']);
  });
});

describe('YAML nesting', () => {
  it('refuses text nesting past 256 levels before the parser recurses into it', () => {
    // `yaml` composes recursively; 2,500 then 5,000 "[" abort Node with "RegExpCompiler Allocation failed".
    for (const deep of [
      '['.repeat(5000),
      '{a: '.repeat(300),
      '- '.repeat(300) + 'x',
      ' '.repeat(300) + 'a: 1',
    ])
      expect(() => splitYamlDocuments(deep)).toThrow(/nests deeper than 256 levels/);
    // Brackets in quoted strings and comments do not count; real policies pass.
    const quoted = `a: "${'['.repeat(1000)}"\nb: '${'{'.repeat(1000)}'\n# ${'['.repeat(1000)}\n`;
    expect(splitYamlDocuments(quoted)[0]!.value).toMatchObject({ a: '['.repeat(1000) });
    expect(splitYamlDocuments(text('kyverno-policies.yaml'))).toHaveLength(2);
  });
});
