// Real-world Sigstore bundles from public projects' test assets (sigstore-python `test/assets/new_bundle.txt*`,
// which sigstore-python verifies against production), checked against the shipped public-good root with a fixed `now`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/lib/signatures/verify-bundle';
import { publicGoodTrustedRoot } from '../../src/lib/signatures/public-good';
import { ROOT } from './helpers';

const asset = (p: string) => new Uint8Array(readFileSync(join(ROOT, 'tests/fixtures/signatures', p)));

describe('sigstore-python test assets', () => {
  it('verifies new_bundle.txt', async () => {
    const r = await verifyBundle(
      asset('sigstore-python/new_bundle.txt.sigstore.json'),
      asset('sigstore-python/new_bundle.txt'),
      {
        trustedRoot: publicGoodTrustedRoot(),
        now: new Date('2026-09-01T00:00:00Z'),
      },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bundleVersion).toBe('0.3');
    expect(r.signer.kind === 'certificate' && r.signer.identity.subjectAlternativeName).toBe(
      'aryadeeptade@gmail.com',
    );
    expect(r.timestamps.map((t) => t.source)).toEqual(['tlog', 'tsa']);
    expect(r.integratedTime?.toISOString()).toBe('2026-08-23T17:02:00.000Z');
  });
});

describe('trusted roots', () => {
  it('the shipped public-good root parses with its logs, CAs and TSA', async () => {
    const { parseTrustedRoot, PUBLIC_GOOD_TRUSTED_ROOT_JSON, PUBLIC_GOOD_TRUSTED_ROOT_INFO } =
      await import('../../src/lib/signatures');
    const r = parseTrustedRoot(PUBLIC_GOOD_TRUSTED_ROOT_JSON);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual([]);
    expect(r.root.tlogs.map((l) => l.baseUrl)).toEqual([
      'https://rekor.sigstore.dev',
      'https://log2025-1.rekor.sigstore.dev',
    ]);
    expect(r.root.certificateAuthorities).toHaveLength(2);
    expect(r.root.timestampAuthorities).toHaveLength(1);
    const hex = Buffer.from(
      await crypto.subtle.digest(
        'SHA-256',
        readFileSync(join(ROOT, 'src/lib/signatures/public-good-trusted-root.json')),
      ),
    ).toString('hex');
    expect(hex).toBe(PUBLIC_GOOD_TRUSTED_ROOT_INFO.sha256);
  });

  it('a broken user root lists every problem with its JSON path', async () => {
    const { parseTrustedRoot } = await import('../../src/lib/signatures');
    const r = parseTrustedRoot({
      mediaType: 'application/json',
      tlogs: [{ baseUrl: 'https://x', publicKey: { rawBytes: 'AAAA' }, logId: { keyId: '***' } }],
      certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: 'MIIB' }] } }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.join('\n')).toMatch(/mediaType/);
    expect(r.issues.join('\n')).toMatch(/tlogs\[0\]\.publicKey/);
    expect(r.issues.join('\n')).toMatch(/tlogs\[0\]\.logId\.keyId/);
    expect(r.issues.join('\n')).toMatch(/tlogs\[0\]\.publicKey\.validFor/);
    expect(r.issues.join('\n')).toMatch(/certificateAuthorities\[0\]\.certChain\.certificates\[0\]/);
    expect(parseTrustedRoot('{')).toMatchObject({ ok: false });
  });
});

describe('the real bundle, tampered', () => {
  it('fails on a changed artifact and on a wrong identity', async () => {
    const bundle = asset('sigstore-python/new_bundle.txt.sigstore.json');
    const opts = { trustedRoot: publicGoodTrustedRoot(), now: new Date('2026-09-01T00:00:00Z') };
    const other = await verifyBundle(
      bundle,
      new TextEncoder().encode('Sigstore current issuer certificate regression test?\n'),
      opts,
    );
    expect(other).toMatchObject({ ok: false, check: 'artifact' });
    // sigstore-python's own test of this asset expects this email identity and GitHub's OAuth issuer.
    const good = await verifyBundle(bundle, asset('sigstore-python/new_bundle.txt'), {
      ...opts,
      identity: 'aryadeeptade@gmail.com',
      issuer: 'https://github.com/login/oauth',
    });
    expect(good.ok).toBe(true);
    const wrong = await verifyBundle(bundle, asset('sigstore-python/new_bundle.txt'), {
      ...opts,
      identity: 'someone@example.com',
    });
    expect(wrong).toMatchObject({ ok: false, check: 'identity' });
    const before = await verifyBundle(bundle, asset('sigstore-python/new_bundle.txt'), {
      ...opts,
      now: new Date('2026-08-01T00:00:00Z'),
    });
    expect(before).toMatchObject({ ok: false, check: 'tlog' });
  });
});
