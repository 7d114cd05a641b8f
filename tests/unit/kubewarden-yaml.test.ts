// metadata.yml import (string-preserving, serde_yaml's required keys and enums) and YAML export.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emptyMetadata, metadataFromYaml, metadataToYaml, MetadataError } from '../../src/lib/kubewarden';

const base = `rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
    operations: ["CREATE", "UPDATE"]
mutating: false
`;

function yamlError(text: string): MetadataError {
  try {
    metadataFromYaml(text);
  } catch (e) {
    if (e instanceof MetadataError) return e;
    throw e;
  }
  throw new Error('expected a MetadataError');
}

describe('metadataFromYaml', () => {
  it('reads the spec example with defaults filled', () => {
    const { metadata, warnings } = metadataFromYaml(
      `${base}executionMode: kubewarden-wapc\nannotations:\n  io.kubewarden.policy.title: pod-privileged\n  io.kubewarden.policy.version: 1.10\n`,
    );
    expect(warnings).toEqual([]);
    expect(metadata).toEqual({
      ...emptyMetadata(),
      rules: [
        { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] },
      ],
      annotations: { 'io.kubewarden.policy.title': 'pod-privileged', 'io.kubewarden.policy.version': '1.10' },
    });
  });

  it('keeps numbers, booleans and nulls in annotation values as their literal text', () => {
    const { metadata } = metadataFromYaml(
      `${base}annotations:\n  a: 1.10\n  b: true\n  c: 010\n  d: 1e3\n  e: ~\n  f: 'quoted'\n  g: no\n  h: 0x1F\n`,
    );
    expect(metadata.annotations).toEqual({
      a: '1.10',
      b: 'true',
      c: '010',
      d: '1e3',
      e: '~',
      f: 'quoted',
      g: 'no',
      h: '0x1F',
    });
  });

  it('keeps rule strings, context-aware fields and hostCapabilities literal', () => {
    const { metadata } = metadataFromYaml(
      `rules:\n  - apiGroups: [true]\n    apiVersions: [1.0]\n    resources: [null]\n    operations: ["*"]\nmutating: true\n` +
        `contextAwareResources:\n  - apiVersion: 1.10\n    kind: Namespace\nhostCapabilities: [oci/v1/verify]\nminimumKubewardenVersion: 1.17.0\n`,
    );
    expect(metadata.rules[0]).toEqual({
      apiGroups: ['true'],
      apiVersions: ['1.0'],
      resources: ['null'],
      operations: ['*'],
    });
    expect(metadata.mutating).toBe(true);
    expect(metadata.contextAwareResources).toEqual([{ apiVersion: '1.10', kind: 'Namespace' }]);
    expect(metadata.hostCapabilities).toEqual(['oci/v1/verify']);
    expect(metadata.minimumKubewardenVersion).toBe('1.17.0');
  });

  it('accepts rules: [] and fills every default', () => {
    const { metadata } = metadataFromYaml('rules: []\nmutating: false\n');
    expect(metadata).toEqual(emptyMetadata());
  });

  it.each([
    ['mutating: false\n', 'missing field `rules`', 1],
    ['rules: []\n', 'missing field `mutating`', 1],
    [
      'rules:\n  - apiGroups: [""]\n    apiVersions: [v1]\n    resources: [pods]\nmutating: false\n',
      'missing field `operations`',
      2,
    ],
    ['rules: []\nmutating: yes\n', 'invalid type: string "yes", expected a boolean', 2],
    ['rules: []\nmutating: "true"\n', 'invalid type: string "true", expected a boolean', 2],
    ['rules: []\nmutating: false\nbackgroundAudit: 1\n', 'expected a boolean', 3],
    ['rules: {}\nmutating: false\n', 'invalid type: map, expected a sequence', 1],
    ['rules: []\nmutating: false\nannotations:\n  a: [1]\n', 'invalid type: sequence, expected a string', 4],
    ['rules: []\nmutating: false\nannotations:\n  a:\n    b: c\n', 'invalid type: map, expected a string', 5],
    ['rules: []\nmutating: false\ncontextAwareResources:\n  - kind: Pod\n', 'missing field `apiVersion`', 4],
  ])('rejects %j: %s (line %i)', (text, message, line) => {
    const e = yamlError(text);
    expect(e.code).toBe('invalid-metadata');
    expect(e.message).toContain(message);
    expect(e.message.startsWith('Error unmarshalling metadata: ')).toBe(true);
    expect(e.line).toBe(line);
  });

  it.each([
    ['executionMode: wapc', 'executionMode', 'unknown variant `wapc`'],
    ['policyType: Kubernetes', 'policyType', 'unknown variant `Kubernetes`'],
    ['protocolVersion: v2', 'protocolVersion', 'unknown variant `v2`'],
  ])('rejects a bad enum: %s', (line, field, message) => {
    const e = yamlError(`${base}${line}\n`);
    expect(e.field).toBe(field);
    expect(e.message).toContain(message);
    expect(e.line).toBe(7);
  });

  it('rejects lowercase operations with their path and line', () => {
    const e = yamlError(
      'rules:\n  - apiGroups: [""]\n    apiVersions: [v1]\n    resources: [pods]\n    operations: [create]\nmutating: false\n',
    );
    expect(e.field).toBe('rules.0.operations.0');
    expect(e.line).toBe(5);
    expect(e.message).toContain('expected one of `CREATE`, `UPDATE`, `DELETE`, `CONNECT`, `*`');
  });

  it('reports YAML syntax errors with their line', () => {
    const e = yamlError('rules: []\nmutating: false\nannotations:\n  a: [1\n  b: 2\n');
    expect(e.code).toBe('bad-yaml');
    expect(e.line).toBeGreaterThanOrEqual(4);
    expect(e.message).toMatch(/at line \d+ column \d+/);
    // A repeated struct field is serde's `duplicate field`, not a YAML syntax error (serde_derive's visit_map).
    expect(yamlError('rules: []\nmutating: false\nmutating: true\n').message).toContain(
      'duplicate field `mutating` at line 1 column 1',
    );
  });

  it('rejects an empty document and a top-level sequence', () => {
    // serde_yaml's deserialize_map reads an empty document (Event::Void) as an empty map: the first missing field.
    expect(yamlError('').message).toContain('missing field `rules`');
    expect(yamlError('- a\n').message).toContain('invalid type: sequence');
  });

  it('warns about unknown keys (a misspelled backgroundaudit) and drops them', () => {
    const { metadata, warnings } = metadataFromYaml(`${base}backgroundaudit: false\ncontextAware: true\n`);
    expect(warnings).toEqual(['Unknown keys are ignored: backgroundaudit, contextAware']);
    expect(metadata.backgroundAudit).toBe(true);
    expect(Object.keys(metadata)).not.toContain('backgroundaudit');
  });

  it('ignores a typed io.kubewarden.kwctl with a warning', () => {
    const { metadata, warnings } = metadataFromYaml(
      `${base}annotations:\n  io.kubewarden.kwctl: 1.36.0\n  x: y\n`,
    );
    expect(metadata.annotations).toEqual({ x: 'y' });
    expect(warnings[0]).toContain('io.kubewarden.kwctl');
  });

  it('takes usage from a README, overriding the metadata.yml value', () => {
    const { metadata } = metadataFromYaml(`${base}annotations:\n  io.kubewarden.policy.usage: old\n`, {
      usage: '# Title\n\ntext\n',
    });
    expect(metadata.annotations['io.kubewarden.policy.usage']).toBe('# Title\n\ntext\n');
  });

  it('overwrites protocolVersion from the execution mode', () => {
    expect(metadataFromYaml(`${base}protocolVersion: Unknown\n`).metadata.protocolVersion).toBe('v1');
    expect(
      metadataFromYaml(`${base}protocolVersion: v1\nexecutionMode: opa\n`).metadata.protocolVersion,
    ).toBe('Unknown');
  });

  it('treats empty and ~ optional keys as absent', () => {
    const { metadata } = metadataFromYaml(
      `${base}annotations:\nhostCapabilities: ~\nminimumKubewardenVersion: null\n`,
    );
    expect(metadata.annotations).toEqual({});
    expect(metadata.hostCapabilities).toBeUndefined();
    expect(metadata.minimumKubewardenVersion).toBeUndefined();
  });

  it('expands aliases but stops alias bombs', () => {
    const { metadata } = metadataFromYaml(`rules: []\nmutating: &m false\nbackgroundAudit: *m\n`);
    expect(metadata.backgroundAudit).toBe(false);
    // Metadata nests only three levels, so the blow-up is a product: 3,000 rules × 3,000 aliased items each.
    const list = Array(3000).fill('x').join(', ');
    const rule = '{apiGroups: *g, apiVersions: *g, resources: *g, operations: [CREATE]}';
    const bomb = `g0: &g [${list}]\nrules: [${Array(3000).fill(rule).join(', ')}]\nmutating: false\n`;
    expect(yamlError(bomb).message).toContain('too large');
  });

  it('keeps a __proto__ annotation as data', () => {
    const { metadata } = metadataFromYaml(`${base}annotations:\n  __proto__: x\n`);
    expect(Object.keys(metadata.annotations)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(metadata.annotations)).toBe(Object.prototype);
  });
});

describe('metadataToYaml', () => {
  it('writes keys in spec order, quotes strings that look like numbers, and round-trips', () => {
    const { metadata } = metadataFromYaml(
      `${base}annotations:\n  z: 1.10\n  a: true\n  io.kubewarden.policy.usage: "line1\\nline2\\n"\nhostCapabilities: [b, a, a]\n`,
    );
    const text = metadataToYaml(metadata);
    const keys = Object.keys(parse(text));
    expect(keys).toEqual([
      'protocolVersion',
      'rules',
      'annotations',
      'mutating',
      'backgroundAudit',
      'executionMode',
      'policyType',
      'contextAwareResources',
      'hostCapabilities',
    ]);
    expect(Object.keys(parse(text).annotations)).toEqual(['a', 'io.kubewarden.policy.usage', 'z']);
    expect(text).toContain('|');
    const back = metadataFromYaml(text).metadata;
    expect(back.annotations).toEqual(metadata.annotations);
    expect(back.hostCapabilities).toEqual(['a', 'b']);
    expect(back.rules).toEqual(metadata.rules);
  });
});

describe('hostile YAML', () => {
  it('rejects deep nesting and self-referencing aliases with a MetadataError', () => {
    const deep = `rules: []\nmutating: false\nannotations: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(yamlError(deep).code).toBe('bad-yaml');
    const e = yamlError('rules: &r [*r]\nmutating: false\n');
    expect(e).toBeInstanceOf(MetadataError);
  });
});
