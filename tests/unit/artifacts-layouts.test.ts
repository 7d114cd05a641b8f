// The Kyverno and Flux layouts: exact media types, annotations, config blobs, and a reproducible Flux archive.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArtifactError,
  buildFluxArtifact,
  buildKyvernoArtifact,
  checkFluxMeta,
  collectKyvernoPolicies,
  fluxArchive,
  recognizeArtifact,
  splitYamlDocuments,
  type BuiltArtifact,
} from '../../src/lib/artifacts';
import { fixture } from './helpers';

const enc = new TextEncoder();
const dec = new TextDecoder();
const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const tmp = mkdtempSync(join(tmpdir(), 'wasmlens-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function checkBlobs(a: BuiltArtifact): Record<string, unknown> {
  for (const b of a.blobs) {
    expect(b.digest).toBe(sha(b.bytes));
    expect(b.size).toBe(b.bytes.length);
  }
  expect(a.manifestDigest).toBe(sha(a.manifestBytes));
  return JSON.parse(dec.decode(a.manifestBytes));
}

describe('buildKyvernoArtifact', () => {
  it('writes the Kyverno CLI layout with one annotated layer per policy', async () => {
    const docs = splitYamlDocuments(dec.decode(fixture('artifacts/kyverno-policies.yaml')));
    const art = await buildKyvernoArtifact(docs);
    const m = checkBlobs(art) as {
      mediaType: string;
      config: { mediaType: string; digest: string };
      layers: { mediaType: string; digest: string; annotations: Record<string, string> }[];
    };
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.config.mediaType).toBe('application/vnd.cncf.kyverno.config.v1+json');
    expect(m.layers.map((l) => l.mediaType)).toEqual(
      Array(2).fill('application/vnd.cncf.kyverno.policy.layer.v1+yaml'),
    );
    expect(m.layers.map((l) => l.annotations)).toEqual([
      {
        'io.kyverno.image.apiVersion': 'kyverno.io/v1',
        'io.kyverno.image.kind': 'ClusterPolicy',
        'io.kyverno.image.name': 'require-labels',
      },
      {
        'io.kyverno.image.apiVersion': 'kyverno.io/v1',
        'io.kyverno.image.kind': 'Policy',
        'io.kyverno.image.name': 'disallow-latest',
      },
    ]);
    // The field order of go-containerregistry, which Kyverno uses.
    expect(dec.decode(art.manifestBytes)).toMatch(
      /^\{"schemaVersion":2,"mediaType":"[^"]+","config":\{"mediaType":"[^"]+","size":\d+,"digest":/,
    );
    const config = JSON.parse(dec.decode(art.config.bytes));
    expect(config).toEqual({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }, { created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: m.layers.map((l) => l.digest) },
      config: {},
    });
    // Each layer is one policy document that parses back to the same value.
    const layerDocs = art.blobs.slice(1).map((b) => splitYamlDocuments(dec.decode(b.bytes)));
    expect(layerDocs.map((d) => d.length)).toEqual([1, 1]);
    expect(layerDocs.map((d) => d[0]!.value)).toEqual(docs.map((d) => d.value));
    expect(recognizeArtifact(m).label).toBe('Kyverno policies (2)');
  });

  it('refuses documents that are not policies', async () => {
    const found = collectKyvernoPolicies([
      {
        name: 'bad.yaml',
        text: `${dec.decode(fixture('artifacts/not-a-policy.yaml'))}---\nbad: [unclosed\n`,
      },
    ]);
    expect(found.map((c) => c.issues.some((i) => i.severity === 'error'))).toEqual([true, true, true, true]);
    await expect(buildKyvernoArtifact(found.map((c) => c.doc))).rejects.toThrow(ArtifactError);
    await expect(buildKyvernoArtifact([])).rejects.toThrow(/No policies/);
  });
});

describe('buildFluxArtifact', () => {
  const files = () => [
    { path: 'apps/podinfo/kustomization.yaml', bytes: enc.encode('resources: [release.yaml]\n') },
    { path: 'apps/podinfo/release.yaml', bytes: enc.encode('kind: HelmRelease\n'.repeat(50)) },
    { path: 'README.md', bytes: enc.encode('# fleet\n') },
  ];
  const meta = {
    source: 'https://github.com/example/fleet',
    revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    created: '2024-05-01T10:00:00Z',
  };

  it('gives the same digests for the same input, in any order, every time', async () => {
    const a = await buildFluxArtifact(files(), meta);
    const b = await buildFluxArtifact(files().reverse(), meta);
    expect(b.manifestDigest).toBe(a.manifestDigest);
    expect(b.blobs.map((x) => x.digest)).toEqual(a.blobs.map((x) => x.digest));
    expect(sha(fluxArchive(files()))).toBe(a.blobs[1]!.digest);
    const changed = await buildFluxArtifact([...files(), { path: 'x', bytes: new Uint8Array(1) }], meta);
    expect(changed.blobs[1]!.digest).not.toBe(a.blobs[1]!.digest);
  });

  it('writes Flux media types and annotations, and a layer GNU tar can list', async () => {
    const art = await buildFluxArtifact(files(), meta);
    const m = checkBlobs(art) as {
      config: { mediaType: string };
      layers: { mediaType: string }[];
      annotations: Record<string, string>;
    };
    expect(m.config.mediaType).toBe('application/vnd.cncf.flux.config.v1+json');
    expect(m.layers.map((l) => l.mediaType)).toEqual(['application/vnd.cncf.flux.content.v1.tar+gzip']);
    expect(m.annotations).toEqual({
      'org.opencontainers.image.created': meta.created,
      'org.opencontainers.image.revision': meta.revision,
      'org.opencontainers.image.source': meta.source,
    });
    const file = join(tmp, 'layer.tar.gz');
    writeFileSync(file, art.blobs[1]!.bytes);
    const names = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual([
      'README.md',
      'apps/',
      'apps/podinfo/',
      'apps/podinfo/kustomization.yaml',
      'apps/podinfo/release.yaml',
    ]);
    const tarDigest = sha(new Uint8Array(execFileSync('gzip', ['-dc', file])));
    expect(JSON.parse(dec.decode(art.config.bytes)).rootfs.diff_ids).toEqual([tarDigest]);
    expect(recognizeArtifact(m).kind).toBe('flux');
  });

  it('checks the annotations', async () => {
    expect(checkFluxMeta(meta)).toEqual([]);
    expect(checkFluxMeta({ ...meta, created: 'yesterday' })[0]).toMatch(/RFC 3339/);
    expect(checkFluxMeta({ ...meta, revision: 'main' })[0]).toMatch(/sha1/);
    await expect(buildFluxArtifact(files(), { ...meta, created: 'now' })).rejects.toThrow(ArtifactError);
    await expect(buildFluxArtifact([], meta)).rejects.toThrow(/No files/);
    const bare = await buildFluxArtifact(files(), { source: '', revision: '', created: '' });
    expect(JSON.parse(dec.decode(bare.manifestBytes)).annotations).toBeUndefined();
  });
});
