// Scaffolds (artifacthub-pkg.yml, policy manifests), OCI push annotations and the Inspect model.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ARTIFACTHUB_HEADER,
  buildOciAnnotations,
  emptyMetadata,
  inspectModel,
  lineCount,
  rustTrim,
  scaffoldArtifactHub,
  scaffoldManifest,
  scanHostCapabilities,
  type Metadata,
} from '../../src/lib/kubewarden';
import { detectCapabilities } from '../../src/lib/kubewarden';

const now = new Date('2024-05-06T07:08:09.000Z');
const full: Record<string, string> = {
  'io.kubewarden.policy.version': '1.2.3',
  'io.kubewarden.policy.title': 'safe-labels',
  'io.artifacthub.displayName': 'Safe Labels',
  'io.kubewarden.policy.description': 'Checks labels',
  'io.kubewarden.policy.license': 'Apache-2.0',
  'io.kubewarden.policy.url': 'https://example.com/docs',
  'io.kubewarden.policy.ociUrl': 'ghcr.io/kubewarden/policies/safe-labels',
  'io.artifacthub.keywords': 'labels, pod ,kubewarden',
  'io.kubewarden.policy.source': 'https://github.com/kubewarden/safe-labels-policy',
  'io.kubewarden.policy.author': 'Tux Tuxedo <tux@example.com>, "Pidgin, P." <pidgin@example.com>',
  'io.kubewarden.hidden-ui': 'false',
  'io.artifacthub.resources': 'Pod',
};
const rules = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE' as const] },
];
const withAnnotations = (annotations: Record<string, string>, over: Partial<Metadata> = {}): Metadata => ({
  ...emptyMetadata(),
  rules,
  annotations,
  ...over,
});
const without = (...keys: string[]) =>
  Object.fromEntries(Object.entries(full).filter(([k]) => !keys.includes(k)));

describe('scaffoldArtifactHub', () => {
  it('maps every field in kwctl order', () => {
    const text = scaffoldArtifactHub(withAnnotations(full), {
      now,
      questions: 'questions:\n- variable: a\n',
    });
    expect(text.startsWith(`${ARTIFACTHUB_HEADER}\n`)).toBe(true);
    expect(ARTIFACTHUB_HEADER.endsWith('artifacthub-pkg.yml ')).toBe(true);
    const pkg = parse(text);
    expect(Object.keys(pkg)).toEqual([
      'version',
      'name',
      'displayName',
      'createdAt',
      'description',
      'license',
      'homeURL',
      'containersImages',
      'keywords',
      'links',
      'install',
      'maintainers',
      'provider',
      'recommendations',
      'annotations',
    ]);
    expect(pkg.version).toBe('1.2.3');
    // time crate Rfc3339: no fraction when the nanoseconds are zero.
    expect(pkg.createdAt).toBe('2024-05-06T07:08:09Z');
    expect(pkg.containersImages).toEqual([
      { name: 'policy', image: 'ghcr.io/kubewarden/policies/safe-labels:v1.2.3' },
    ]);
    expect(pkg.keywords).toEqual(['labels', 'pod', 'kubewarden']);
    expect(pkg.links).toEqual([
      {
        name: 'policy',
        url: 'https://github.com/kubewarden/safe-labels-policy/releases/download/v1.2.3/policy.wasm',
      },
      { name: 'source', url: 'https://github.com/kubewarden/safe-labels-policy' },
    ]);
    expect(pkg.install).toContain('kwctl pull ghcr.io/kubewarden/policies/safe-labels:v1.2.3');
    expect(pkg.install).toContain(
      'kwctl scaffold manifest -t ClusterAdmissionPolicy registry://ghcr.io/kubewarden/policies/safe-labels:v1.2.3',
    );
    expect(pkg.maintainers).toEqual([
      { name: 'Tux Tuxedo', email: 'tux@example.com' },
      { name: 'Pidgin, P.', email: 'pidgin@example.com' },
    ]);
    expect(pkg.provider).toEqual({ name: 'kubewarden' });
    expect(pkg.annotations['kubewarden/mutation']).toBe('false');
    expect(pkg.annotations['kubewarden/hidden-ui']).toBe('false');
    expect(pkg.annotations['kubewarden/resources']).toBe('Pod');
    expect(pkg.annotations['kubewarden/questions-ui']).toBe('questions:\n- variable: a\n');
    expect(parse(pkg.annotations['kubewarden/rules'])).toEqual(rules);
    expect(pkg.annotations['kubewarden/contextAwareResources']).toBeUndefined();
  });

  it('uses the release tag (form-encoded) for GitHub links, and only a source link elsewhere', () => {
    const tagged = parse(
      scaffoldArtifactHub(withAnnotations({ ...full, 'com.github.release.tag': 'v1.2.3 rc/1' }), { now }),
    );
    expect(tagged.links[0].url).toBe(
      'https://github.com/kubewarden/safe-labels-policy/releases/download/v1.2.3+rc%2F1/policy.wasm',
    );
    const gitlab = parse(
      scaffoldArtifactHub(
        withAnnotations({ ...full, 'io.kubewarden.policy.source': 'https://gitlab.com/a/b' }),
        { now },
      ),
    );
    expect(gitlab.links).toEqual([{ name: 'source', url: 'https://gitlab.com/a/b' }]);
  });

  it('writes context-aware resources as YAML text when present', () => {
    const m = withAnnotations(full, { contextAwareResources: [{ apiVersion: 'v1', kind: 'Namespace' }] });
    const pkg = parse(scaffoldArtifactHub(m, { now }));
    expect(parse(pkg.annotations['kubewarden/contextAwareResources'])).toEqual([
      { apiVersion: 'v1', kind: 'Namespace' },
    ]);
  });

  // Each case removes or breaks one thing on top of the previous ones' fixes, in kwctl's check order.
  it.each([
    [{}, 'no annotations in policy metadata. policy metadata must specify annotations'],
    [
      without('io.kubewarden.policy.version'),
      'policy metadata must specify "io.kubewarden.policy.version" in annotations',
    ],
    [{ ...full, 'io.kubewarden.policy.version': 'v1.2.3' }, 'policy version must be in semver: '],
    [{ ...full, 'io.kubewarden.policy.version': '1.10' }, 'policy version must be in semver: '],
    [
      without('io.kubewarden.policy.title'),
      'policy metadata must specify "io.kubewarden.policy.title" in annotations',
    ],
    [
      without('io.artifacthub.displayName'),
      'policy metadata must specify "io.artifacthub.displayName" in annotations',
    ],
    [without('io.kubewarden.policy.description'), 'must specify "io.kubewarden.policy.description"'],
    [
      { ...full, 'io.kubewarden.policy.url': 'example.com' },
      'annotation ""io.kubewarden.policy.url"" in policy metadata must be a well formed URL',
    ],
    [
      without('io.kubewarden.policy.ociUrl'),
      'policy metadata must specify "io.kubewarden.policy.ociUrl" in annotations',
    ],
    [
      { ...full, 'io.kubewarden.policy.ociUrl': 'ghcr.io/x/y:v1' },
      'annotation ""io.kubewarden.policy.ociUrl""',
    ],
    [{ ...full, 'io.kubewarden.policy.ociUrl': 'ghcr.io/X/y' }, 'repository names must be lowercase'],
    [
      { ...full, 'io.artifacthub.keywords': 'a,,b' },
      'annotation "io.artifacthub.keywords" in policy metadata is malformed, must be csv values',
    ],
    [
      { ...full, 'io.kubewarden.policy.source': 'not a url' },
      'annotation ""io.kubewarden.policy.source"" in policy metadata must be a well formed URL',
    ],
    [{ ...full, 'io.kubewarden.policy.author': '' }, 'is malformed, must be csv values of "name <email>"'],
    [
      { ...full, 'io.kubewarden.policy.author': 'Foo foo@example.com, Bar <bar@example.com>' },
      'must be a well formed email',
    ],
    [{ ...full, 'io.kubewarden.policy.author': 'Bar <#$%#$%>' }, 'must be a well formed email'],
  ])('error %#: %s', (annotations, message) => {
    expect(() => scaffoldArtifactHub(withAnnotations(annotations), { now })).toThrow(message);
  });

  it('checks the version before an empty questions file, and that before the title', () => {
    expect(() => scaffoldArtifactHub(withAnnotations({ x: 'y' }), { questions: '' })).toThrow(
      'io.kubewarden.policy.version',
    );
    expect(() =>
      scaffoldArtifactHub(withAnnotations({ 'io.kubewarden.policy.version': '1.0.0' }), { questions: '' }),
    ).toThrow('questions-ui content cannot be empty');
  });

  it('normalises a docker.io ociUrl as a reference', () => {
    const pkg = parse(
      scaffoldArtifactHub(withAnnotations({ ...full, 'io.kubewarden.policy.ociUrl': 'mypolicy' }), { now }),
    );
    expect(pkg.containersImages[0].image).toBe('docker.io/library/mypolicy:v1.2.3');
  });
});

describe('scaffoldManifest', () => {
  const m = withAnnotations(
    {
      'io.kubewarden.policy.title': 'safe-labels',
      'io.kubewarden.policy.severity': 'low',
      'io.kubewarden.policy.category': 'Resource validation',
      'io.kubewarden.policy.author': 'x',
    },
    { backgroundAudit: false, contextAwareResources: [{ apiVersion: 'v1', kind: 'Namespace' }] },
  );

  it('writes a ClusterAdmissionPolicy with kwctl field mapping', () => {
    const { yaml, warnings } = scaffoldManifest(m, {
      kind: 'ClusterAdmissionPolicy',
      module: 'registry://ghcr.io/kubewarden/policies/safe-labels:v1.0.0',
      settings: { denied_labels: ['foo'] },
      allowContextAware: true,
    });
    const doc = parse(yaml);
    expect(doc).toEqual({
      apiVersion: 'policies.kubewarden.io/v1',
      kind: 'ClusterAdmissionPolicy',
      metadata: {
        name: 'safe-labels',
        annotations: {
          'io.kubewarden.policy.severity': 'low',
          'io.kubewarden.policy.category': 'Resource validation',
        },
      },
      spec: {
        module: 'registry://ghcr.io/kubewarden/policies/safe-labels:v1.0.0',
        settings: { denied_labels: ['foo'] },
        rules,
        mutating: false,
        backgroundAudit: false,
        contextAwareResources: [{ apiVersion: 'v1', kind: 'Namespace' }],
      },
    });
    expect(Object.keys(doc.spec)).toEqual([
      'module',
      'settings',
      'rules',
      'mutating',
      'backgroundAudit',
      'contextAwareResources',
    ]);
    expect(warnings[0]).toContain('review carefully');
  });

  it('empties contextAwareResources unless allowed, never writes it for AdmissionPolicy, omits true backgroundAudit', () => {
    const cap = scaffoldManifest(m, { kind: 'ClusterAdmissionPolicy', module: 'm' });
    expect(parse(cap.yaml).spec.contextAwareResources).toBeUndefined();
    expect(cap.warnings).toHaveLength(1);
    const ap = scaffoldManifest(m, { kind: 'AdmissionPolicy', module: 'm', allowContextAware: true });
    expect(parse(ap.yaml).spec.contextAwareResources).toBeUndefined();
    expect(parse(ap.yaml).kind).toBe('AdmissionPolicy');
    const plain = scaffoldManifest(withAnnotations({ 'io.kubewarden.policy.title': 'p' }), {
      kind: 'AdmissionPolicy',
      module: 'm',
    });
    expect(parse(plain.yaml)).toEqual({
      apiVersion: 'policies.kubewarden.io/v1',
      kind: 'AdmissionPolicy',
      metadata: { name: 'p' },
      spec: { module: 'm', settings: {}, rules, mutating: false },
    });
    expect(plain.warnings).toEqual([]);
  });

  it.each(['Safe Labels', 'safe_labels', '-safe', 'safe-', 'a'.repeat(254)])(
    'rejects the title %j (RFC 1123)',
    (title) => {
      expect(() => scaffoldManifest(m, { kind: 'ClusterAdmissionPolicy', module: 'm', title })).toThrow(
        `Invalid title '${title}'. Must conform to RFC 1123`,
      );
    },
  );

  it('accepts a user title over the annotation, and requires valid metadata', () => {
    expect(
      parse(scaffoldManifest(m, { kind: 'AdmissionPolicy', module: 'm', title: 'a.b-c' }).yaml).metadata.name,
    ).toBe('a.b-c');
    const invalid = withAnnotations(
      { 'io.kubewarden.policy.title': 'p' },
      { rules: [{ ...rules[0], resources: [] }] },
    );
    expect(() => scaffoldManifest(invalid, { kind: 'AdmissionPolicy', module: 'm' })).toThrow(
      'Metadata is invalid',
    );
  });
});

describe('buildOciAnnotations', () => {
  it('drops multi-line values, trims, and copies the source', () => {
    const m = withAnnotations({
      a: '  one line \n',
      b: 'two\nlines',
      c: 'crlf\r\nbreak',
      d: '',
      e: '\ufeffbom\u0085',
      'io.kubewarden.policy.source': ' https://x ',
    });
    expect(buildOciAnnotations(m)).toEqual({
      annotations: {
        a: 'one line',
        d: '',
        e: '\ufeffbom',
        'io.kubewarden.policy.source': 'https://x',
        'org.opencontainers.image.source': 'https://x',
      },
      dropped: ['b', 'c'],
    });
  });

  it('keeps an existing org.opencontainers.image.source, and has no annotations without metadata', () => {
    const m = withAnnotations({ 'io.kubewarden.policy.source': 'a', 'org.opencontainers.image.source': 'b' });
    expect(buildOciAnnotations(m).annotations!['org.opencontainers.image.source']).toBe('b');
    expect(buildOciAnnotations(null)).toEqual({ dropped: [] });
  });

  it('counts lines like Rust str::lines', () => {
    expect([
      lineCount(''),
      lineCount('a'),
      lineCount('a\n'),
      lineCount('a\nb'),
      lineCount('a\r\nb\r\n'),
      lineCount('\n'),
    ]).toEqual([0, 1, 1, 2, 2, 1]);
    expect(rustTrim('\u00a0 x \u3000')).toBe('x');
  });
});

describe('inspectModel', () => {
  it('shows kwctl details, other annotations sorted, and optional blocks', () => {
    const m = withAnnotations(
      { 'io.kubewarden.policy.usage': '# hi', z: '1', 'io.kubewarden.policy.title': 't', a: '2' },
      { minimumKubewardenVersion: '1.17.0', executionMode: 'wasi', protocolVersion: 'Unknown' },
    );
    const model = inspectModel(m);
    expect(model.details).toEqual([
      { label: 'title', value: 't' },
      { label: 'mutating', value: 'false' },
      { label: 'background audit support', value: 'true' },
      { label: 'context aware', value: 'false' },
      { label: 'policy type', value: 'kubernetes' },
      { label: 'execution mode', value: 'wasi' },
      { label: 'minimum kubewarden version', value: '1.17.0' },
    ]);
    expect(model.annotations).toEqual([
      ['a', '2'],
      ['z', '1'],
    ]);
    expect(model.usage).toBe('# hi');
    expect(model.contextAwareYaml).toBeNull();
    expect(parse(model.rulesYaml)).toEqual(rules);
    expect(inspectModel({ ...emptyMetadata(), protocolVersion: 'Unknown' }).details.at(-1)).toEqual({
      label: 'protocol version',
      value: '0',
    });
  });
});

describe('host-capability detection on synthetic data', () => {
  const data = (...strings: string[]) => new TextEncoder().encode(strings.join('\0'));
  it('needs the namespace and the operation', () => {
    expect(detectCapabilities(data('kubewarden', 'can_i'))).toEqual([]);
    expect(detectCapabilities(data('kubewarden', 'net', 'v1/dns_lookup_host'))).toEqual([
      'net/v1/dns_lookup_host',
    ]);
  });
  it('does not count oci_manifest inside oci_manifest_config', () => {
    expect(detectCapabilities(data('oci', 'v1/oci_manifest_config'))).toEqual(['oci/v1/oci_manifest_config']);
    expect(detectCapabilities(data('oci', 'v1/oci_manifest_config', 'v1/oci_manifest')).sort()).toEqual([
      'oci/v1/oci_manifest',
      'oci/v1/oci_manifest_config',
    ]);
  });
  it('never fails on bytes that are not wasm', () => {
    expect(scanHostCapabilities(Uint8Array.from([1, 2, 3]), ['x'])).toEqual({
      detected: [],
      usedNotDeclared: [],
      declaredNotDetected: ['x'],
    });
  });
});
