// metadata.yml read exactly as kwctl's serde_yaml 0.9 reads it: null / `~` / empty / missing for every field, every
// problem at once in line order, and linear time in the number of keys.
//
// Oracle: dtolnay/serde-yaml 0.9 src/de.rs — `deserialize_seq` / `deserialize_map` read an empty *plain* scalar as
// an empty sequence / map; `deserialize_option` reads an empty, `~`, `null`, `Null`, `NULL` plain scalar as None;
// `deserialize_bool` accepts only true/True/TRUE/false/False/FALSE; `invalid_type` names the value with serde's
// `Unexpected` (`unit value`, ``integer `1` ``, ``floating point `1.5` ``, `string "…"`); `deserialize_enum` reads a
// scalar as a variant name (``unknown variant `x`, expected …`` with serde's `OneOf` wording). Error text is
// `path: message at line L column C` (src/error.rs, src/path.rs; tests/test_error.rs `test_missing_field`: the
// mark of a missing field is the mapping's start, `test_invalid_scalar_type`: the mark of a value is its start).
// The struct shapes are kwctl's (kubewarden/kubewarden-controller crates/policy-evaluator/src/policy_metadata.rs):
// `rules: Vec<Rule>` and `mutating: bool` required, `backgroundAudit: bool` default true, `executionMode` and
// `policyType` enums with defaults, `contextAwareResources` a set with default, `annotations`, `protocolVersion`,
// `hostCapabilities`, `minimumKubewardenVersion` Options; every Rule list and both resource fields required.
import { describe, expect, it } from 'vitest';
import { metadataFromYaml, MetadataImportError, type ImportProblem } from '../../src/lib/kubewarden';

function problems(text: string): ImportProblem[] {
  try {
    metadataFromYaml(text);
  } catch (e) {
    if (e instanceof MetadataImportError) return e.problems;
    throw e;
  }
  throw new Error('expected a MetadataImportError');
}
const messages = (text: string) => problems(text).map((p) => p.message);

describe('serde_yaml null / ~ / empty / missing, field by field', () => {
  it('reads an empty `rules:` as an empty list (every raw policy of kubewarden/policies has it)', () => {
    const { metadata } = metadataFromYaml('rules:\nmutating: false\npolicyType: raw\n');
    expect(metadata.rules).toEqual([]);
    expect(metadata.policyType).toBe('raw');
  });

  it.each([
    // [yaml, serde_yaml's message]
    [
      'rules: ~\nmutating: false\n',
      'rules: invalid type: unit value, expected a sequence at line 1 column 8',
    ],
    [
      'rules: null\nmutating: false\n',
      'rules: invalid type: unit value, expected a sequence at line 1 column 8',
    ],
    [
      "rules: ''\nmutating: false\n",
      'rules: invalid type: string "", expected a sequence at line 1 column 8',
    ],
    ['rules: {}\nmutating: false\n', 'rules: invalid type: map, expected a sequence at line 1 column 8'],
    ['rules: []\nmutating:\n', 'mutating: invalid type: unit value, expected a boolean at line 2 column 10'],
    [
      'rules: []\nmutating: ~\n',
      'mutating: invalid type: unit value, expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: yes\n',
      'mutating: invalid type: string "yes", expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: "true"\n',
      'mutating: invalid type: string "true", expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: 1\n',
      'mutating: invalid type: integer `1`, expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: 0x10\n',
      'mutating: invalid type: integer `16`, expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: 1.5\n',
      'mutating: invalid type: floating point `1.5`, expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: 1e3\n',
      'mutating: invalid type: floating point `1000.0`, expected a boolean at line 2 column 11',
    ],
    [
      'rules: []\nmutating: .inf\n',
      'mutating: invalid type: floating point `inf`, expected a boolean at line 2 column 11',
    ],
    // digits_but_not_number: a leading zero keeps 007 a string.
    [
      'rules: []\nmutating: 007\n',
      'mutating: invalid type: string "007", expected a boolean at line 2 column 11',
    ],
    // `#[serde(default)]` applies only to a missing key: a present empty value is still read as the type.
    [
      'rules: []\nmutating: false\nbackgroundAudit:\n',
      'backgroundAudit: invalid type: unit value, expected a boolean at line 3 column 17',
    ],
    [
      'rules: []\nmutating: false\nexecutionMode:\n',
      'executionMode: unknown variant ``, expected one of `kubewarden-wapc`, `opa`, `gatekeeper`, `wasi` at line 3 column 15',
    ],
    [
      'rules: []\nmutating: false\npolicyType: ~\n',
      'policyType: unknown variant `~`, expected `kubernetes` or `raw` at line 3 column 13',
    ],
    [
      'rules: []\nmutating: false\ncontextAwareResources: ~\n',
      'contextAwareResources: invalid type: unit value, expected a sequence at line 3 column 24',
    ],
    [
      'rules: []\nmutating: false\nexecutionMode: [opa]\n',
      "executionMode: invalid type: sequence, expected a YAML tag starting with '!' at line 3 column 16",
    ],
    // An empty rule item is an empty map: the struct's fields are missing, at the item's mark (after `-`).
    ['rules:\n  -\nmutating: false\n', 'rules[0]: missing field `apiGroups` at line 2 column 4'],
    [
      'rules:\n  - ~\nmutating: false\n',
      'rules[0]: invalid type: unit value, expected struct Rule at line 2 column 5',
    ],
    [
      'rules: [pods]\nmutating: false\n',
      'rules[0]: invalid type: string "pods", expected struct Rule at line 1 column 9',
    ],
    ['- a\n', 'invalid type: sequence, expected struct Metadata at line 1 column 1'],
  ])('%j → %s', (text, message) => {
    expect(messages(text)[0]).toBe(message);
  });

  it('reads empty lists inside a rule as [] (validation, not parsing, then refuses them)', () => {
    const { metadata } = metadataFromYaml(
      'rules:\n  - apiGroups:\n    apiVersions: [v1]\n    resources:\n    operations:\nmutating: false\n',
    );
    expect(metadata.rules[0]).toEqual({ apiGroups: [], apiVersions: ['v1'], resources: [], operations: [] });
  });

  it('reads Option fields given as empty, ~ or null as absent', () => {
    const { metadata } = metadataFromYaml(
      'rules: []\nmutating: false\nannotations:\nhostCapabilities: ~\nminimumKubewardenVersion: null\nprotocolVersion: NULL\ncontextAwareResources:\n',
    );
    expect(metadata.annotations).toEqual({});
    expect(metadata.hostCapabilities).toBeUndefined();
    expect(metadata.minimumKubewardenVersion).toBeUndefined();
    expect(metadata.contextAwareResources).toEqual([]);
  });

  it('keeps the text of string fields, including an empty value and `~` (deserialize_str takes any scalar)', () => {
    const { metadata } = metadataFromYaml(
      'rules: []\nmutating: false\nannotations:\n  a:\n  b: ~\n  c: null\n  d: 1.10\n  e: "~"\ncontextAwareResources:\n  - apiVersion:\n    kind: ~\n',
    );
    expect(metadata.annotations).toEqual({ a: '', b: '~', c: 'null', d: '1.10', e: '~' });
    expect(metadata.contextAwareResources).toEqual([{ apiVersion: '', kind: '~' }]);
  });

  it('keeps the last value of a repeated annotation key (serde map insert) and refuses a repeated field', () => {
    const { metadata } = metadataFromYaml('rules: []\nmutating: false\nannotations:\n  a: 1\n  a: 2\n');
    expect(metadata.annotations).toEqual({ a: '2' });
    expect(messages('rules: []\nrules: []\nmutating: false\n')).toEqual([
      'duplicate field `rules` at line 1 column 1',
    ]);
  });
});

describe('every problem at once, in line order', () => {
  it('lists seven mistakes of one file, each as serde_yaml reports it alone', () => {
    const text = [
      'executionMode: wapc', // 1
      'rules:', // 2
      '  - apiGroups: {}', // 3
      '    apiVersions: [v1, [x]]', // 4
      '    resources: [pods]', // 5
      '    operations: [create]', // 6
      'mutating: ok', // 7
      'contextAwareResources:', // 8
      '  - kind: Pod', // 9
      'annotations:', // 10
      '  a: [1]', // 11
      '',
    ].join('\n');
    const found = problems(text);
    expect(found.map((p) => p.message)).toEqual([
      'executionMode: unknown variant `wapc`, expected one of `kubewarden-wapc`, `opa`, `gatekeeper`, `wasi` at line 1 column 16',
      'rules[0].apiGroups: invalid type: map, expected a sequence at line 3 column 16',
      'rules[0].apiVersions[1]: invalid type: sequence, expected a string at line 4 column 23',
      'rules[0].operations[0]: unknown variant `create`, expected one of `CREATE`, `UPDATE`, `DELETE`, `CONNECT`, `*` at line 6 column 18',
      'mutating: invalid type: string "ok", expected a boolean at line 7 column 11',
      'contextAwareResources[0]: missing field `apiVersion` at line 9 column 5',
      'annotations.a: invalid type: sequence, expected a string at line 11 column 6',
    ]);
    expect(found.map((p) => p.field)).toEqual([
      'executionMode',
      'rules.0.apiGroups',
      'rules.0.apiVersions.1',
      'rules.0.operations.0',
      'mutating',
      'contextAwareResources.0',
      'annotations.a',
    ]);
    expect(found.map((p) => p.line)).toEqual([1, 3, 4, 6, 7, 9, 11]);
  });

  it('summarises them in the error message with kwctl prefix and the first line', () => {
    try {
      metadataFromYaml('mutating: ok\nrules: ~\n');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(MetadataImportError);
      const err = e as MetadataImportError;
      expect(err.message).toBe(
        'Error unmarshalling metadata: mutating: invalid type: string "ok", expected a boolean at line 1 column 11 (and 1 more)',
      );
      expect(err.line).toBe(1);
      expect(err.code).toBe('invalid-metadata');
    }
  });
});
