// Kind recognition from real manifest shapes (oci.md §10) and the media-type → viewer mapping.
import { describe, expect, it } from 'vitest';
import { recognizeArtifact, viewForMediaType, type ArtifactKind } from '../../src/lib/artifacts';
import { fixture } from './helpers';

const manifest = (name: string): unknown =>
  JSON.parse(new TextDecoder().decode(fixture(`artifacts/${name}`)));

describe('recognizeArtifact', () => {
  const cases: [string, ArtifactKind, RegExp][] = [
    ['kubewarden-policy.json', 'kubewarden-policy', /^Kubewarden policy$/],
    ['kyverno-policies.json', 'kyverno', /^Kyverno policies \(2\)$/],
    ['flux-artifact.json', 'flux', /^Flux artifact$/],
    ['helm-chart.json', 'helm', /^Helm chart$/],
    ['cosign-signature.json', 'cosign-signature', /^Cosign signature \(1\)$/],
    ['sigstore-bundle.json', 'sigstore-bundle', /^Sigstore bundle$/],
    ['docker-image.json', 'image', /^Container image$/],
    ['oci-index.json', 'index', /^Multi-platform image index \(2 manifests\)$/],
    ['wasm-component.json', 'wasm', /^Wasm module$/],
    ['oras-generic.json', 'unknown', /^Generic OCI artifact \(1 file\)$/],
  ];
  it.each(cases)('%s is %s', (file, kind, label) => {
    const r = recognizeArtifact(manifest(file));
    expect(r.kind).toBe(kind);
    expect(r.label).toMatch(label);
  });

  it('reads descriptors, annotations, platforms and the subject', () => {
    const k = recognizeArtifact(manifest('kyverno-policies.json'));
    expect(k.form).toBe('oci-manifest');
    expect(k.typeKey).toBe('application/vnd.cncf.kyverno.config.v1+json');
    expect(k.layers.map((l) => l.annotations['io.kyverno.image.name'])).toEqual([
      'require-labels',
      'disallow-latest',
    ]);
    const idx = recognizeArtifact(manifest('oci-index.json'));
    expect(idx.manifests.map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm64/v8']);
    const b = recognizeArtifact(manifest('sigstore-bundle.json'));
    expect(b.subject?.digest).toMatch(/^sha256:3{64}$/);
    expect(
      recognizeArtifact(manifest('flux-artifact.json')).annotations['org.opencontainers.image.source'],
    ).toBe('https://github.com/example/fleet');
    expect(recognizeArtifact(manifest('oras-generic.json')).layers[0]!.title).toBe('hello.txt');
  });

  it('uses the config blob to refine labels', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const docker = recognizeArtifact(manifest('docker-image.json'), {
      configBytes: enc({ os: 'linux', architecture: 'amd64' }),
    });
    expect(docker.label).toBe('Container image (linux/amd64)');
    const comp = recognizeArtifact(manifest('wasm-component.json'), {
      configBytes: enc({ architecture: 'wasm', os: 'wasip2', component: { exports: [], imports: [] } }),
    });
    expect(comp.label).toBe('Wasm component (wasip2)');
    const helm = recognizeArtifact(manifest('helm-chart.json'), {
      configBytes: enc({ name: 'podinfo', version: '6.5.0' }),
    });
    expect(helm.label).toBe('Helm chart podinfo 6.5.0');
    // A broken config blob changes nothing.
    expect(recognizeArtifact(manifest('helm-chart.json'), { configBytes: enc('x').subarray(1) }).label).toBe(
      'Helm chart',
    );
  });

  it('falls back on the Content-Type and notes a disagreement', () => {
    const m = manifest('oci-index.json') as Record<string, unknown>;
    delete m.mediaType;
    expect(
      recognizeArtifact(m, { mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' }).form,
    ).toBe('docker-list');
    const r = recognizeArtifact(manifest('kyverno-policies.json'), {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json; charset=utf-8',
    });
    expect(r.notes.join(' ')).toMatch(/differs from the Content-Type/);
  });

  it('recognises DSSE attestations, runwasi and compat Wasm images, and schema 1', () => {
    const d = (mediaType: string, annotations?: Record<string, string>) => ({
      mediaType,
      digest: `sha256:${'a'.repeat(64)}`,
      size: 1,
      annotations,
    });
    const img = 'application/vnd.oci.image.config.v1+json';
    const att = { schemaVersion: 2, config: d(img), layers: [d('application/vnd.dsse.envelope.v1+json')] };
    expect(recognizeArtifact(att).label).toBe('Cosign attestation (1)');
    const runwasi = {
      schemaVersion: 2,
      config: d(img),
      layers: [d('application/vnd.bytecodealliance.wasm.component.layer.v0+wasm')],
    };
    expect(recognizeArtifact(runwasi).kind).toBe('wasm');
    const compat = {
      schemaVersion: 2,
      config: d(img),
      layers: [
        d('application/vnd.module.wasm.content.layer.v1+wasm', { 'module.wasm.image/variant': 'compat' }),
      ],
    };
    expect(recognizeArtifact(compat).label).toBe('Wasm module (compat image)');
    const s1 = recognizeArtifact({ schemaVersion: 1, name: 'x', fsLayers: [] });
    expect(s1.kind).toBe('unknown');
    expect(s1.label).toMatch(/schema 1/);
  });

  it('never throws on hostile input', () => {
    for (const v of [
      null,
      42,
      'x',
      [],
      { layers: 'no' },
      { config: { mediaType: 5 } },
      { manifests: [null, {}] },
    ]) {
      const r = recognizeArtifact(v);
      expect(r.layers).toEqual([]);
      expect(typeof r.label).toBe('string');
    }
    const r = recognizeArtifact({
      schemaVersion: 2,
      config: { mediaType: 'x', digest: 'y', size: -3 },
      layers: [],
    });
    expect(r.config?.size).toBeNull();
  });
});

describe('viewForMediaType', () => {
  it('maps layer types to viewers', () => {
    expect(viewForMediaType('application/vnd.wasm.content.layer.v1+wasm')).toBe('wasm');
    expect(viewForMediaType('application/wasm')).toBe('wasm');
    expect(viewForMediaType('application/vnd.cncf.kyverno.policy.layer.v1+yaml')).toBe('yaml');
    expect(viewForMediaType('application/vnd.cncf.flux.content.v1.tar+gzip')).toBe('tar-gzip');
    expect(viewForMediaType('application/vnd.cncf.helm.chart.content.v1.tar+gzip')).toBe('tar-gzip');
    expect(viewForMediaType('application/vnd.oci.image.layer.v1.tar+gzip')).toBe('tar-gzip');
    expect(viewForMediaType('application/vnd.cncf.helm.config.v1+json')).toBe('json');
    expect(viewForMediaType('application/vnd.cncf.helm.chart.provenance.v1.prov')).toBe('text');
    expect(viewForMediaType('application/octet-stream')).toBe('hex');
  });
});
