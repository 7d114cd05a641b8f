// Tag-list summaries: the badge per kind, total size from the descriptors, and the creation date from the
// annotation or an image config. Sizes are sums of the fixture's own descriptor sizes (what skopeo inspect --raw
// shows); dates follow image-spec annotations.md (`org.opencontainers.image.created`) and config.md (`created`).
import { describe, expect, it } from 'vitest';
import { KIND_BADGES, summarizeArtifact } from '../../src/lib/artifacts';
import { fixture } from './helpers';

const manifest = (name: string): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(fixture(`artifacts/${name}`)));
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('summarizeArtifact', () => {
  it.each([
    ['kubewarden-policy.json', 'Kubewarden'],
    ['kyverno-policies.json', 'Kyverno'],
    ['flux-artifact.json', 'Flux'],
    ['helm-chart.json', 'Helm'],
    ['cosign-signature.json', 'Signature'],
    ['sigstore-bundle.json', 'Signature'],
    ['docker-image.json', 'Image'],
    ['oci-index.json', 'Index'],
  ])('%s gets the %s badge and the sum of its descriptor sizes', (file, badge) => {
    const m = manifest(file);
    const s = summarizeArtifact(m);
    expect(s.badge).toBe(badge);
    const sizes = [m.config, ...((m.layers as unknown[]) ?? [])]
      .filter((d): d is { size: number } => !!d)
      .map((d) => d.size);
    expect(s.size).toBe(file === 'oci-index.json' ? null : sizes.reduce((a, b) => a + b, 0));
  });

  it('has a badge for every kind', () => {
    for (const badge of Object.values(KIND_BADGES)) expect(badge.length).toBeGreaterThan(0);
  });

  it('takes the date from the annotation without asking for the config', () => {
    const s = summarizeArtifact(manifest('flux-artifact.json'));
    expect(s.created).toBe('2024-05-01T10:00:00Z');
    expect(s.createdMs).toBe(Date.UTC(2024, 4, 1, 10));
    expect(s.createdFrom).toBe('annotation');
    expect(s.configToRead).toBeNull();
  });

  it('asks for an image config when there is no annotation, then reads its created field', () => {
    const m = manifest('docker-image.json');
    const first = summarizeArtifact(m);
    expect(first.created).toBeNull();
    expect(first.configToRead?.digest).toBe((m.config as { digest: string }).digest);
    const second = summarizeArtifact(m, {
      configBytes: enc({ created: '2023-01-02T03:04:05.123456789Z', os: 'linux', architecture: 'amd64' }),
    });
    expect(second.created).toBe('2023-01-02T03:04:05.123456789Z');
    expect(second.createdFrom).toBe('config');
    expect(second.configToRead).toBeNull();
  });

  it('never asks for the config of a policy, a chart, a signature or an oversized config', () => {
    expect(summarizeArtifact(manifest('kubewarden-policy.json')).configToRead).toBeNull();
    expect(summarizeArtifact(manifest('helm-chart.json')).configToRead).toBeNull();
    // cosign writes an image config too, but a signature's date is not what a tag list is about.
    expect(summarizeArtifact(manifest('cosign-signature.json')).configToRead).toBeNull();
    const big = manifest('docker-image.json');
    (big.config as { size: number }).size = 10 * 1024 * 1024;
    expect(summarizeArtifact(big).configToRead).toBeNull();
  });

  it('survives hostile input: no date from garbage, no size from a bad descriptor, no throw', () => {
    const m = manifest('flux-artifact.json');
    (m.annotations as Record<string, string>)['org.opencontainers.image.created'] = 'yesterday-ish';
    (m.layers as { size: unknown }[])[0].size = -1;
    const s = summarizeArtifact(m);
    expect(s.created).toBeNull();
    expect(s.size).toBeNull();
    expect(summarizeArtifact(null).badge).toBe('OCI artifact');
    expect(summarizeArtifact(manifest('docker-image.json'), { configBytes: enc([1, 2]) }).created).toBeNull();
  });
});
