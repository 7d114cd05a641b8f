// Kubewarden library against the real-world corpus: metadata values, rewrites, manifests, scans, backends.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  annotate,
  buildOciAnnotations,
  inspectModel,
  isRego,
  MetadataError,
  readMetadata,
  REGO_IN_WAPC,
  scaffoldArtifactHub,
  scaffoldManifest,
  scanHostCapabilities,
  serializeMetadata,
  validateMetadata,
  COMPONENT_MESSAGE,
  type Metadata,
} from '../../src/lib/kubewarden';
import { decodeExports, parseWasm } from '../../src/lib/wasm';
import { corpus, corpusDir, corpusNotice } from './helpers';

corpusNotice();

const F1 = 'component-adder-jco-fixture.wasm';
const F6 = 'kw-javy-js-sdk-demo-annotated-kwctl1.25.0.wasm';
const F7 = 'kw-javy-js-sdk-demo-unannotated.wasm';
const F8 = 'kw-opa-gatekeeper-always-unhappy-annotated-kwctl1.16.1.wasm';
const F9 = 'kw-opa-rego-container-limits-annotated-regorodeo.wasm';
const F10 = 'kw-opa-rego-no-default-namespace-unannotated.wasm';
const F11 = 'kw-tinygo-safe-labels-annotated-kwctl1.6.0.wasm';
const F13 = 'rust-javy-plugin-kubewarden-rustc1.86.wasm';
const ALL = [
  F1,
  'component-hello-stdout-dwarf-jco-fixture.wasm',
  'dart2wasm-wasmgc-flutter-mosaic-main.dart.wasm',
  'emscripten-simd-threads-squoosh-jxl-enc-mt-simd.wasm',
  'go-js-cosign-testdata-go1.16.3.wasm',
  F6,
  F7,
  F8,
  F9,
  F10,
  F11,
  'rust-dwarf-hello-stdout-jco-fixture.wasm',
  F13,
];

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cache = new Map<string, Uint8Array>();
const file = (name: string) => {
  if (!cache.has(name)) cache.set(name, corpus(name));
  return cache.get(name) as Uint8Array;
};
const meta = (name: string): Metadata => {
  const read = readMetadata(file(name));
  if (!read) throw new Error(`${name} has no metadata`);
  return read.metadata;
};

describe.skipIf(!corpusDir())('Kubewarden metadata on the corpus', () => {
  it.each([
    [F6, 'wasi', 'Unknown', 'js-demo-policy', 3, '1.25.0', 2748, 2725],
    [F8, 'gatekeeper', 'Unknown', 'policy-name', 14, '1.16.1', 3659, 3636],
    [F9, 'gatekeeper', 'Unknown', 'Kubernetes Container Limits Exist', 8, '1.10.1', 864, 841],
    [F11, 'kubewarden-wapc', 'v1', 'safe-labels', 14, '1.6.0', 2849, 2826],
  ])('%s: mode %s, protocol %s, title %s', (name, mode, protocol, title, count, kwctl, _size, jsonBytes) => {
    const read = readMetadata(file(name));
    expect(read).not.toBeNull();
    const { metadata, raw, sectionCount, warnings } = read!;
    expect(metadata.executionMode).toBe(mode);
    expect(metadata.protocolVersion).toBe(protocol);
    expect(metadata.annotations['io.kubewarden.policy.title']).toBe(title);
    expect(Object.keys(metadata.annotations)).toHaveLength(count);
    expect(metadata.annotations['io.kubewarden.kwctl']).toBe(kwctl);
    expect(metadata.policyType).toBe('kubernetes');
    expect(metadata.mutating).toBe(false);
    expect(metadata.hostCapabilities).toBeUndefined();
    expect(raw.length).toBe(jsonBytes);
    expect(sectionCount).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('reads the rules, background audit and context-aware resources of the README', () => {
    expect(meta(F6).rules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] },
    ]);
    expect(meta(F8).contextAwareResources).toEqual([{ apiVersion: 'v1', kind: 'Namespace' }]);
    expect(meta(F8).rules[0].resources).toEqual(['rolebindings', 'clusterrolebindings']);
    expect(meta(F9).rules).toEqual([
      { apiGroups: [''], apiVersions: ['*'], resources: ['*'], operations: ['CREATE'] },
    ]);
    expect(meta(F11).backgroundAudit).toBe(false);
    expect(meta(F11).rules[0]).toEqual({
      apiGroups: ['*'],
      apiVersions: ['*'],
      resources: ['*'],
      operations: ['CREATE', 'UPDATE'],
    });
    for (const f of [F6, F9, F11]) expect(meta(f).contextAwareResources).toEqual([]);
  });

  it('file 6 is a fixed point: serializeMetadata equals the raw section bytes', () => {
    const read = readMetadata(file(F6))!;
    expect(Buffer.from(serializeMetadata(read.metadata)).equals(Buffer.from(read.raw))).toBe(true);
  });

  it('re-emitting older files sorts annotations and fills policyType (they are not fixed points)', () => {
    for (const f of [F8, F9, F11]) {
      const read = readMetadata(file(f))!;
      expect(Buffer.from(serializeMetadata(read.metadata)).equals(Buffer.from(read.raw))).toBe(false);
    }
  });

  it.each([
    [F6, 1206289, '3e8f13348496ad441d0558ca2154d91d64ea3635bd1fc19f91c999092429c099', 1203538],
    [F8, 130650, '6a506afb2df74fae6b18837bfcf765a7552cee309e633eccbe791ac781e02c80', 126988],
    [F9, 139724, '6a31347e46e67e0b67b01420b64e07fccf6633c3d19a4b71871aacdaf3b01d17', 138857],
    [F11, 652550, 'ad977f9949e126bd12bdc4ec3c8f23187c0360c3cf0020fe0cb1e75200060c3b', 649672],
  ])('rewrite of %s with unchanged metadata', (name, size, digest, metaOffset) => {
    const input = file(name);
    const out = annotate(input, meta(name));
    expect(out.length).toBe(size);
    expect(sha256(out)).toBe(digest);
    expect(Buffer.from(out.subarray(0, metaOffset)).equals(Buffer.from(input.subarray(0, metaOffset)))).toBe(
      true,
    );
    const sections = parseWasm(out).sections;
    const metas = sections.filter((s) => s.name === 'io.kubewarden.metadata');
    expect(metas).toHaveLength(1);
    expect(sections[sections.length - 1]).toBe(metas[0]);
    // Deterministic, and the kwctl annotation survives as it was.
    expect(sha256(annotate(out, meta(name)))).toBe(digest);
    expect(readMetadata(out)!.metadata.annotations['io.kubewarden.kwctl']).toBe(
      meta(name).annotations['io.kubewarden.kwctl'],
    );
  });

  it('annotating the unannotated Javy module appends one section at its end and adds no kwctl key', () => {
    const input = file(F7);
    const m = { ...meta(F6), annotations: { 'io.kubewarden.policy.title': 'js-demo-policy' } };
    const out = annotate(input, m);
    expect(Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    const last = parseWasm(out).sections.at(-1)!;
    expect(last.offset).toBe(1196153);
    expect(readMetadata(out)!.metadata.annotations).toEqual({
      'io.kubewarden.policy.title': 'js-demo-policy',
    });
  });

  it.each([
    [F6, 2, 433, '648fd1ad3a21b131336a7061339ff2b1fe94369da402494625d5c6d9acd85422'],
    [F8, 14, 1110, '201e8146beca82c596178ae5cd2e4858065bbafa4321d3e469adb19ba79dbbb3'],
    [F9, 9, 1014, '9a734b31b7f46da1ccfa5476b0f1b672902093cbe267b96ba46ed9d96264889d'],
    [F11, 14, 1176, 'c2ea90015ce61ea6c326a99c63e77f7a7fd1bbf8149b44ca409160370df94b0c'],
  ])('push manifest of %s: %i annotations, %i bytes', (name, count, size, digest) => {
    const bytes = file(name);
    const { annotations, dropped } = buildOciAnnotations(meta(name));
    expect(Object.keys(annotations!)).toHaveLength(count);
    if (name === F9) expect(dropped).toEqual([]);
    else expect(dropped).toEqual(['io.kubewarden.policy.usage']);
    // Canonical JSON per spec §12.3: keys sorted, no whitespace.
    const manifest = JSON.stringify({
      annotations,
      config: {
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        mediaType: 'application/vnd.wasm.config.v1+json',
        size: 2,
      },
      layers: [
        {
          digest: `sha256:${sha256(bytes)}`,
          mediaType: 'application/vnd.wasm.content.layer.v1+wasm',
          size: bytes.length,
        },
      ],
      schemaVersion: 2,
    });
    expect(Buffer.byteLength(manifest)).toBe(size);
    expect(sha256(Buffer.from(manifest))).toBe(digest);
  });

  it('keeps the one-line usage of file 9, trimmed', () => {
    const usage = meta(F9).annotations['io.kubewarden.policy.usage'];
    expect(usage.endsWith('\n')).toBe(true);
    expect(buildOciAnnotations(meta(F9)).annotations!['io.kubewarden.policy.usage']).toBe(usage.trim());
  });

  it('host-capability scan matches the README', () => {
    const javy = ['net/v1/dns_lookup_host', 'oci/v1/manifest_digest', 'oci/v1/oci_manifest'];
    for (const name of ALL) {
      const scan = scanHostCapabilities(file(name), name === F6 ? meta(F6).hostCapabilities : []);
      if (name === F6 || name === F7) {
        expect(scan.detected).toEqual(javy);
        expect(scan.usedNotDeclared).toEqual(javy);
      } else expect(scan.detected, name).toEqual([]);
      expect(scan.declaredNotDetected).toEqual([]);
    }
    expect(scanHostCapabilities(file(F6), [...javy, 'kubernetes/can_i'])).toEqual({
      detected: javy,
      usedNotDeclared: [],
      declaredNotDetected: ['kubernetes/can_i'],
    });
  });

  it('backend detection: opa_ export counts and Rego flags', () => {
    const expected: Record<string, number> = {
      [F6]: 0,
      [F7]: 0,
      [F8]: 18,
      [F9]: 22,
      [F10]: 17,
      [F11]: 0,
      [F13]: 0,
    };
    for (const [name, count] of Object.entries(expected)) {
      const exports = decodeExports(file(name));
      expect(
        exports.filter((e) => e.name.startsWith('opa_')),
        name,
      ).toHaveLength(count);
      expect(isRego(file(name))).toBe(count > 0);
      expect(isRego(exports)).toBe(count > 0);
    }
    expect(isRego(file(F1))).toBe(false);
  });

  it('validation: the README policies pass; Rego in waPC mode and waPC code in opa mode fail', () => {
    for (const name of [F6, F8, F9, F11]) {
      const issues = validateMetadata(meta(name), parseWasm(file(name)), {
        exports: decodeExports(file(name)),
        existingKwctl: meta(name).annotations['io.kubewarden.kwctl'],
      });
      expect(
        issues.filter((i) => i.severity === 'error'),
        name,
      ).toEqual([]);
    }
    const wapc = { ...meta(F8), executionMode: 'kubewarden-wapc' as const, protocolVersion: 'v1' as const };
    expect(validateMetadata(wapc, parseWasm(file(F8)), { exports: decodeExports(file(F8)) })).toContainEqual({
      severity: 'error',
      field: 'executionMode',
      message: REGO_IN_WAPC,
    });
    const opa = { ...meta(F6), executionMode: 'opa' as const };
    expect(
      validateMetadata(opa, parseWasm(file(F13)), { exports: decodeExports(file(F13)) })[0],
    ).toMatchObject({
      field: 'executionMode',
    });
  });

  it('components cannot be annotated', () => {
    const c = file(F1);
    expect(readMetadata(c)).toBeNull();
    expect(validateMetadata(meta(F6), parseWasm(c))).toContainEqual({
      severity: 'error',
      field: 'module',
      message: COMPONENT_MESSAGE,
    });
    expect(() => annotate(c, meta(F6))).toThrow(MetadataError);
  });

  it('unannotated files read as null', () => {
    for (const name of ALL.filter((n) => ![F6, F8, F9, F11].includes(n)))
      expect(readMetadata(file(name)), name).toBeNull();
  });

  it('Inspect model of safe-labels: protocol version 1 and 7 other annotations', () => {
    const model = inspectModel(meta(F11));
    expect(model.details.map((d) => d.label)).toEqual([
      'title',
      'description',
      'author',
      'url',
      'source',
      'license',
      'mutating',
      'background audit support',
      'context aware',
      'policy type',
      'execution mode',
      'protocol version',
    ]);
    expect(model.details.find((d) => d.label === 'protocol version')!.value).toBe('1');
    expect(model.annotations).toHaveLength(7);
    expect(model.usage).toContain('\n');
    expect(inspectModel(meta(F8)).contextAwareYaml).toBe('- apiVersion: v1\n  kind: Namespace\n');
    expect(inspectModel(meta(F8)).details).toContainEqual({ label: 'context aware', value: 'true' });
    expect(inspectModel(meta(F6)).details.some((d) => d.label === 'protocol version')).toBe(false);
  });

  it('scaffolds: artifacthub needs a version on every annotated file; manifest rejects the RegoRodeo title', () => {
    for (const name of [F6, F8, F9, F11]) {
      expect(() => scaffoldArtifactHub(meta(name))).toThrow(
        'policy metadata must specify "io.kubewarden.policy.version" in annotations',
      );
    }
    expect(() =>
      scaffoldManifest(meta(F9), { kind: 'ClusterAdmissionPolicy', module: 'registry://x/y:v1' }),
    ).toThrow("Invalid title 'Kubernetes Container Limits Exist'. Must conform to RFC 1123");
    const { yaml, warnings } = scaffoldManifest(meta(F8), {
      kind: 'ClusterAdmissionPolicy',
      module: 'registry://x/y:v1',
    });
    expect(yaml).toContain('name: policy-name');
    expect(yaml).not.toContain('contextAwareResources');
    expect(warnings).toHaveLength(1);
  });
});
