// Scaffolds byte-identical to kwctl's, and the serde_yaml / libyaml / time / semver / hostname rules behind them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  emptyMetadata,
  metadataFromYaml,
  scaffoldArtifactHub,
  scaffoldManifest,
  type Metadata,
} from '../../src/lib/kubewarden';
import { serdeYaml, type YamlValue } from '../../src/lib/kubewarden/serde-yaml-emit';
import { formatRfc3339, parseRfc3339 } from '../../src/lib/kubewarden/rfc3339';
import { semverError } from '../../src/lib/kubewarden/semver';

const FIXTURES = join(__dirname, '../fixtures/kwctl-scaffold');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const createdAtOf = (pkg: string) => /^createdAt: (.*)$/m.exec(pkg)![1];

describe('scaffoldArtifactHub against files kwctl wrote (tests/fixtures/kwctl-scaffold/README.md)', () => {
  it.each([
    ['allowed-fsgroups-psp', '1.0.5', 'allowed-fsgroups-psp.questions-ui.yml'],
    ['cel-policy', '1.3.3', undefined],
  ])('%s: the same bytes for the same metadata, questions and createdAt', (name, version, questionsFile) => {
    const expected = read(`${name}.artifacthub-pkg.yml`);
    const { metadata } = metadataFromYaml(read(`${name}.metadata.yml`));
    metadata.annotations['io.kubewarden.policy.version'] = version;
    const questions = questionsFile === undefined ? undefined : read(questionsFile);
    const text = scaffoldArtifactHub(metadata, { createdAt: createdAtOf(expected), questions });
    expect(text).toBe(expected);
  });
});

describe('createdAt (time 0.3 well_known::Rfc3339 of OffsetDateTime::now_utc)', () => {
  it.each([
    // kwctl's own files: 9 digits, and 8 when the last nanosecond digit is 0 (cel-policy 2025-06-12).
    ['2025-09-15T08:09:49.259409941Z', '2025-09-15T08:09:49.259409941Z'],
    ['2025-06-12T12:18:10.184733430Z', '2025-06-12T12:18:10.18473343Z'],
    // policy_artifacthub.rs tests: OffsetDateTime::UNIX_EPOCH is written without a fraction.
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'],
    ['1970-01-01T00:00:00.000000000Z', '1970-01-01T00:00:00Z'],
    ['2023-07-25T17:04:31.819105Z', '2023-07-25T17:04:31.819105Z'],
    // now_utc is always UTC: an offset input is converted.
    ['2023-01-19T14:46:21.5+02:00', '2023-01-19T12:46:21.5Z'],
  ])('%s → %s', (input, output) => {
    expect(formatRfc3339(parseRfc3339(input)!)).toBe(output);
  });

  it('refuses a createdAt that is not RFC 3339', () => {
    const { metadata } = metadataFromYaml(read('cel-policy.metadata.yml'));
    expect(() => scaffoldArtifactHub(metadata, { createdAt: '2025-02-30T00:00:00Z' })).toThrow('RFC 3339');
  });
});

describe('policy version (semver crate Version::parse, dtolnay/semver src/parse.rs and src/error.rs)', () => {
  it.each([
    ['', 'empty string, expected a semver version'],
    ['v1.2.3', "unexpected character 'v' while parsing major version number"],
    ['1.10', 'unexpected end of input while parsing minor version number'],
    ['1.2', 'unexpected end of input while parsing minor version number'],
    ['1.2.', 'unexpected end of input while parsing patch version number'],
    ['01.2.3', 'invalid leading zero in major version number'],
    ['1.2.3-01', 'invalid leading zero in pre-release identifier'],
    ['1.2.3-', 'empty identifier segment in pre-release identifier'],
    ['1.2.3-a..b', 'empty identifier segment in pre-release identifier'],
    ['1.2.3+', 'empty identifier segment in build metadata'],
    ['1.2.3 ', "unexpected character ' ' after patch version number"],
    ['1,2.3', "unexpected character ',' after major version number"],
    ['18446744073709551616.0.0', 'value of major version number exceeds u64::MAX'],
  ])('%j: %s', (text, message) => {
    expect(semverError(text)).toBe(message);
  });

  it.each(['0.0.0', '1.2.3', '1.2.3-alpha.1', '1.2.3-0a', '1.2.3+build.01', '1.2.3-rc.1+b'])(
    'accepts %s',
    (text) => {
      expect(semverError(text)).toBeNull();
    },
  );

  it("prefixes kwctl's NoSemverVersion words", () => {
    const { metadata } = metadataFromYaml(read('cel-policy.metadata.yml'));
    metadata.annotations['io.kubewarden.policy.version'] = 'v1.2.3';
    expect(() => scaffoldArtifactHub(metadata)).toThrow(
      "policy version must be in semver: unexpected character 'v' while parsing major version number",
    );
  });
});

describe('artifacthub mapping details', () => {
  const base = (): Metadata => {
    const { metadata } = metadataFromYaml(read('cel-policy.metadata.yml'));
    metadata.annotations['io.kubewarden.policy.version'] = '1.3.3';
    return metadata;
  };
  const at = '2025-06-12T12:18:10.18473343Z';

  it('copies any io.kubewarden.hidden-ui value (kwctl parses it with String::from_str, which cannot fail)', () => {
    const m = base();
    m.annotations['io.kubewarden.hidden-ui'] = 'yes';
    expect(scaffoldArtifactHub(m, { createdAt: at })).toContain('  kubewarden/hidden-ui: yes\n');
  });

  it('normalises index.docker.io to docker.io and accepts a bracketed IPv6 host (the oci reference parser)', () => {
    const m = base();
    m.annotations['io.kubewarden.policy.ociUrl'] = 'index.docker.io/kubewarden/cel';
    expect(scaffoldArtifactHub(m, { createdAt: at })).toContain('  image: docker.io/kubewarden/cel:v1.3.3\n');
    m.annotations['io.kubewarden.policy.ociUrl'] = '[::1]:5000/cel';
    // `[` starts a flow sequence in YAML, so libyaml single-quotes the image.
    expect(scaffoldArtifactHub(m, { createdAt: at })).toContain("  image: '[::1]:5000/cel:v1.3.3'\n");
  });

  it('limits only the repository path to 255 characters', () => {
    const m = base();
    m.annotations['io.kubewarden.policy.ociUrl'] = `${'h'.repeat(60)}.example.com/${'a'.repeat(255)}`;
    expect(() => scaffoldArtifactHub(m, { createdAt: at })).not.toThrow();
    m.annotations['io.kubewarden.policy.ociUrl'] = `example.com/${'a'.repeat(256)}`;
    expect(() => scaffoldArtifactHub(m, { createdAt: at })).toThrow('longer than 255');
  });
});

describe('scaffoldManifest (crates/kwctl/src/scaffold/manifest.rs, kubewarden_crds.rs)', () => {
  const rule = { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE' as const] };
  const policy = (annotations: Record<string, string>): Metadata => ({
    ...emptyMetadata(),
    rules: [rule],
    annotations,
  });
  const opts = { kind: 'ClusterAdmissionPolicy' as const, module: 'registry://ghcr.io/x/y:v1' };

  it('writes no metadata.name without a title (ObjectMeta name None), like kwctl', () => {
    expect(scaffoldManifest(policy({}), opts).yaml).toBe(
      [
        'apiVersion: policies.kubewarden.io/v1',
        'kind: ClusterAdmissionPolicy',
        'metadata: {}',
        'spec:',
        '  module: registry://ghcr.io/x/y:v1',
        '  settings: {}',
        '  rules:',
        '  - apiGroups:',
        "    - ''",
        '    apiVersions:',
        '    - v1',
        '    resources:',
        '    - pods',
        '    operations:',
        '    - CREATE',
        '  mutating: false',
        '',
      ].join('\n'),
    );
  });

  it('writes ObjectMeta fields in k8s-openapi order (annotations, then name) and annotations sorted', () => {
    const yaml = scaffoldManifest(
      policy({
        'io.kubewarden.policy.title': 'psp-test',
        'io.kubewarden.policy.severity': 'medium',
        'io.kubewarden.policy.category': 'PSP',
      }),
      opts,
    ).yaml;
    expect(yaml).toContain(
      'metadata:\n  annotations:\n    io.kubewarden.policy.category: PSP\n    io.kubewarden.policy.severity: medium\n  name: psp-test\n',
    );
  });

  // hostname_validator::is_valid (pop-os/hostname-validator src/lib.rs) + lowercase + no '_' + ≤ 253.
  const TITLE_ERROR =
    "Must conform to RFC 1123: use lowercase alphanumeric chars, '-' or '.', and start/end with an alphanumeric character.";
  it.each([
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}`, true],
    ['123.456', true],
    ['My_policy', false],
    ['my_policy', false],
    ['Policy', false],
    ['-policy', false],
    ['policy-', false],
    ['a.-b', false],
    ['empty..label', false],
    ['.invalid', false],
    ['invalid.', false],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
  ])('title %s valid: %s', (title, valid) => {
    const run = () => scaffoldManifest(policy({ 'io.kubewarden.policy.title': title }), opts);
    if (valid) expect(run).not.toThrow();
    else expect(run).toThrow(`Invalid title '${title}'. ${TITLE_ERROR}`);
  });
});

// libyaml's emitter, through PyYAML's CEmitter (Debian python3-yaml, built on libyaml 0.2.5 like unsafe-libyaml),
// with serde_yaml 0.9's scalar styles (ser.rs serialize_str): Literal for text with `\n`, SingleQuoted for text
// that would read back as null, bool, int or float, Any otherwise; unicode on, width unlimited.
const ORACLE = `
import json, re, sys, yaml
from yaml import events as E
def nonstring(t):
    if t in ('', '~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE'): return True
    s = t[1:] if t[:1] in '+-' else t
    if len(s) > 1 and s[0] == '0' and s[1:].isdigit() and s.isascii(): return True
    if re.fullmatch(r'[+-]?(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|[0-9]+)', t) and not re.match(r'[+-]{2}', t): return True
    if re.fullmatch(r'[+-]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)', t): return True
    body = t[1:] if t.startswith('+') else t
    return not re.match(r'[+-]{2}', t) and re.fullmatch(r'[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?', body) is not None
def ev(v, out):
    if isinstance(v, dict):
        out.append(E.MappingStartEvent(None, None, True))
        for k, x in v.items(): ev(k, out); ev(x, out)
        out.append(E.MappingEndEvent())
    elif isinstance(v, list):
        out.append(E.SequenceStartEvent(None, None, True))
        for x in v: ev(x, out)
        out.append(E.SequenceEndEvent())
    elif isinstance(v, bool): out.append(E.ScalarEvent(None, None, (True, True), 'true' if v else 'false', style=''))
    elif v is None: out.append(E.ScalarEvent(None, None, (True, True), 'null', style=''))
    elif isinstance(v, int): out.append(E.ScalarEvent(None, None, (True, True), str(v), style=''))
    else: out.append(E.ScalarEvent(None, None, (True, True), v, style='|' if '\\n' in v else ("'" if nonstring(v) else None)))
res = []
for v in json.load(sys.stdin):
    out = [E.StreamStartEvent(), E.DocumentStartEvent(explicit=False)]
    ev(v, out)
    out += [E.DocumentEndEvent(explicit=False), E.StreamEndEvent()]
    res.append(yaml.emit(out, Dumper=yaml.CDumper, allow_unicode=True, width=-1))
json.dump(res, sys.stdout)
`;

function libyamlAvailable(): boolean {
  try {
    return (
      execFileSync('python3', ['-c', 'import yaml; print(yaml.__with_libyaml__)']).toString().trim() ===
      'True'
    );
  } catch {
    return false;
  }
}

const STRINGS = [
  ...[
    '',
    ' ',
    'a',
    'a b',
    ' a',
    'a ',
    '*',
    '&x',
    '- a',
    '-a',
    'a: b',
    'a:b',
    'a #b',
    'a#b',
    '#a',
    ':a',
    '? a',
  ],
  ...[
    '?a',
    '---',
    '...',
    'yes',
    'no',
    'true',
    'True',
    '1',
    '01',
    '-1',
    '+1',
    '0x1F',
    '0o7',
    '0b1',
    '1.5',
    '1e5',
  ],
  ...[
    '.inf',
    '-.inf',
    '.nan',
    'null',
    '~',
    'a\tb',
    'a\rb',
    'é',
    '😀',
    '\u2028',
    'a\u2028b',
    'a\nb',
    'a\nb\n',
  ],
  ...['a\nb\n\n', '\na', ' a\nb', 'a \nb', 'a\n b', 'a\n\nb', "it's", '"q"', 'a,b', '[a]', '{a}', 'a]', '@a'],
  ...[
    '`a',
    '%a',
    '!a',
    '|a',
    '>a',
    "'a",
    "a'b",
    'x\u00a0y',
    '\ufeffa',
    'a\u0085b',
    '\u0007',
    '1.10',
    'v1.2.3',
  ],
  ...[
    'ghcr.io/x:v1',
    'https://a.b/c',
    'a\n',
    '\n',
    '\n\n',
    'line  \nnext',
    'trailing\n ',
    '+',
    '-',
    '.5',
    '5.',
  ],
  ...['1_000', '+-1', '00', '0', '1e', 'e1', 'k'.repeat(129)],
];

describe.skipIf(!libyamlAvailable())('serdeYaml against libyaml (python3-yaml CEmitter)', () => {
  it('writes every scalar style, block layout and key form as libyaml does', () => {
    const values: YamlValue[] = [
      ...STRINGS,
      STRINGS,
      Object.fromEntries(STRINGS.map((s, i) => [`k${i}`, s])),
      Object.fromEntries(STRINGS.map((s) => [s, s])),
      { a: [{ b: 'x\ny\n', c: [] }, [['a', 'b'], {}]], d: { e: { f: [1, true, null] } } },
      [{ name: 'policy', url: 'x' }, [[]], [{ a: { b: [] } }]],
      { x: 'a\n\n' },
    ];
    const input = JSON.stringify(values);
    const expected = JSON.parse(execFileSync('python3', ['-c', ORACLE], { input }).toString()) as string[];
    values.forEach((v, i) => expect(serdeYaml(v), JSON.stringify(v).slice(0, 80)).toBe(expected[i]));
  });
});
