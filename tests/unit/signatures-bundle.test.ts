// verifyBundle against a test Sigstore instance built with node:crypto: one good case per bundle
// shape and one failing case per check. The oracle for the test PKI is node's X509Certificate
// (every certificate is verified by it in tests/fixtures/signatures/pki.ts) and RFC 6962's
// definitional Merkle tree hash; the checks and their order follow sigstore-js and sigstore-go.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrustedRoot, verifyBundle, type TrustedRoot } from '../../src/lib/signatures';
import { edKeys, ecKeys, pem, rsaKeys } from '../fixtures/signatures/pki';
import {
  IDENTITY,
  ISSUER,
  NOW,
  SIGNED_AT,
  makeWorld,
  type BundleOptions,
  type World,
} from '../fixtures/signatures/world';

const artifact = new TextEncoder().encode('a kubewarden policy, byte for byte\n');
const show = (r: unknown) =>
  JSON.stringify(r, (_k, v) =>
    typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? '<bytes>' : v,
  ).slice(0, 400);
let w: World;
let root: TrustedRoot;

beforeAll(() => {
  w = makeWorld();
  const r = parseTrustedRoot(JSON.stringify(w.trustedRoot));
  if (!r.ok) throw new Error(r.issues.join('; '));
  root = r.root;
});

const verify = (
  o: Partial<BundleOptions>,
  extra: Record<string, unknown> = {},
  art: Parameters<typeof verifyBundle>[1] = artifact,
) =>
  verifyBundle(JSON.stringify(w.bundle({ artifact, ...o })), art, { trustedRoot: root, now: NOW, ...extra });

async function expectFailure(p: ReturnType<typeof verifyBundle>, check: string, reason: RegExp) {
  const r = await p;
  expect(r.ok, show(r)).toBe(false);
  if (!r.ok) {
    expect(r.check).toBe(check);
    expect(r.reason).toMatch(reason);
  }
}

describe('verifyBundle: good bundles', () => {
  it('a v0.3 message signature with certificate, SET, inclusion proof, checkpoint, SCT and TSA', async () => {
    const r = await verify({ tsa: true }, { identity: IDENTITY, issuer: ISSUER });
    expect(r.ok, show(r)).toBe(true);
    if (!r.ok) return;
    expect(r.signer.kind).toBe('certificate');
    if (r.signer.kind === 'certificate') {
      expect(r.signer.identity.subjectAlternativeName).toBe(IDENTITY);
      expect(r.signer.identity.issuer).toBe(ISSUER);
      expect(r.signer.identity.fulcio['1.3.6.1.4.1.57264.1.12']).toBe('https://github.com/kubewarden/policy');
      expect(r.signer.chain).toHaveLength(3);
    }
    expect(r.integratedTime?.toISOString()).toBe(SIGNED_AT.toISOString());
    expect(r.timestamps.map((t) => t.source).sort()).toEqual(['tlog', 'tsa']);
    expect(r.tlog[0]).toMatchObject({ logIndex: 1005n, promise: true, proof: true });
    expect(r.sctLogs).toHaveLength(1);
  });

  it('a DSSE in-toto bundle, against the bytes and against only the digest', async () => {
    const b = JSON.stringify(w.bundle({ artifact, content: 'dsse' }));
    const bytes = await verifyBundle(b, artifact, { trustedRoot: root, now: NOW });
    expect(bytes.ok, show(bytes)).toBe(true);
    const hex = Buffer.from(await crypto.subtle.digest('SHA-256', artifact)).toString('hex');
    const byDigest = await verifyBundle(
      JSON.parse(b),
      { digest: `sha256:${hex}` },
      { trustedRoot: root, now: NOW },
    );
    expect(byDigest.ok).toBe(true);
    if (byDigest.ok) expect(byDigest.statement?.predicateType).toBe('https://sigstore.dev/cosign/sign/v1');
  });

  it('a v0.1 bundle (certificate chain, inclusion promise only)', async () => {
    expect((await verify({ version: '0.1', proof: false })).ok).toBe(true);
  });

  it('a v0.2 bundle (chain, promise and proof)', async () => {
    expect((await verify({ version: '0.2' })).ok).toBe(true);
  });

  it('a v0.3 bundle with only an inclusion proof gets its time from the TSA', async () => {
    const r = await verify({ promise: false, tsa: true });
    expect(r.ok, show(r)).toBe(true);
    if (r.ok) expect(r.timestamps.map((t) => t.source)).toEqual(['tsa']);
  });

  it.each([
    ['ECDSA P-256', () => ecKeys()],
    ['ECDSA P-384', () => ecKeys('P-384')],
    ['RSA', () => rsaKeys()],
    ['Ed25519', () => edKeys()],
  ])('a key-signed bundle with a %s public key', async (_name, make) => {
    const key = make();
    const r = await verify({ key, content: 'dsse' }, { publicKey: pem('PUBLIC KEY', key.spki) });
    expect(r.ok, show(r)).toBe(true);
    if (r.ok) expect(r.signer).toMatchObject({ kind: 'public-key', hint: 'test-key' });
  });
});

describe('verifyBundle: one failure per check', () => {
  it('wrong key', async () => {
    const key = ecKeys();
    await expectFailure(
      verify({ key }, { publicKey: pem('PUBLIC KEY', ecKeys().spki) }),
      'signature',
      /does not verify/,
    );
  });
  it('a key-signed bundle without the key', async () => {
    await expectFailure(verify({ key: ecKeys() }), 'key', /public key is needed/);
  });
  it('a certificate that is not the given key', async () => {
    await expectFailure(verify({}, { publicKey: pem('PUBLIC KEY', ecKeys().spki) }), 'key', /different key/);
  });
  it('tampered DSSE payload', async () => {
    await expectFailure(
      verify({ content: 'dsse', tamper: 'payload' }),
      'signature',
      /DSSE signature does not verify/,
    );
  });
  it('tampered artifact', async () => {
    await expectFailure(
      verify({}, {}, new TextEncoder().encode('another policy')),
      'artifact',
      /digest differs/,
    );
  });
  it('an artifact that is not a DSSE subject', async () => {
    await expectFailure(
      verify({ content: 'dsse' }, {}, { digest: `sha256:${'ab'.repeat(32)}` }),
      'artifact',
      /no subject/,
    );
  });
  it('expired certificate (signed after notAfter)', async () => {
    const leaf = {
      notBefore: new Date(SIGNED_AT.getTime() - 3_600_000),
      notAfter: new Date(SIGNED_AT.getTime() - 600_000),
    };
    await expectFailure(verify({ leaf }), 'certificate', /outside the certificate's validity/);
  });
  it('log entry before the certificate was valid', async () => {
    await expectFailure(
      verify({ integratedTime: new Date(SIGNED_AT.getTime() - 120_000) }),
      'certificate',
      /outside the certificate's validity/,
    );
  });
  it('wrong identity', async () => {
    await expectFailure(
      verify(
        {},
        { identity: 'https://github.com/evil/policy/.github/workflows/release.yml@refs/tags/v1.0.0' },
      ),
      'identity',
      /identity is/,
    );
  });
  it('wrong issuer', async () => {
    await expectFailure(verify({}, { issuer: 'https://accounts.google.com' }), 'identity', /OIDC issuer/);
  });
  it('identity by RegExp', async () => {
    expect((await verify({}, { identity: /^https:\/\/github\.com\/kubewarden\//, issuer: ISSUER })).ok).toBe(
      true,
    );
  });
  it('bad inclusion proof', async () => {
    await expectFailure(verify({ tamper: 'proof' }), 'tlog', /inclusion proof does not lead/);
  });
  it('checkpoint signed by a key that is not the log', async () => {
    await expectFailure(verify({ tamper: 'checkpoint-key' }), 'tlog', /no checkpoint signature verifies/);
  });
  it('bad signed entry timestamp', async () => {
    await expectFailure(
      verify({ tamper: 'set', proof: false, version: '0.1' }),
      'tlog',
      /signed entry timestamp does not verify/,
    );
  });
  it('future integrated time', async () => {
    const future = new Date(NOW.getTime() + 3_600_000);
    await expectFailure(
      verify({ integratedTime: future, leaf: { notAfter: new Date(future.getTime() + 60_000) } }),
      'tlog',
      /in the future/,
    );
  });
  it('a log entry for another signature (CVE-2022-36056 shape)', async () => {
    await expectFailure(verify({ tamper: 'body-signature' }), 'tlog', /different signature/);
  });
  it('certificate from an untrusted CA', async () => {
    const ca = { name: w.interName, keys: ecKeys('P-384') };
    await expectFailure(verify({ leaf: { ca } }), 'chain', /does not chain to a trusted CA/);
  });
  it('tampered SCT', async () => {
    await expectFailure(verify({ leaf: { tamperSct: true } }), 'sct', /SCT signature .* does not verify/);
  });
  it('missing SCT', async () => {
    await expectFailure(verify({ leaf: { noSct: true } }), 'sct', /0 verified SCTs/);
  });
  it('timestamp over another signature', async () => {
    await expectFailure(
      verify({ tsa: true, tamper: 'tsa-imprint' }),
      'timestamp',
      /imprints a different signature/,
    );
  });
  it('no verified time at all', async () => {
    await expectFailure(verify({ promise: false }), 'timestamp', /no verified time/);
  });
  it('a trusted root without the log', async () => {
    const r = parseTrustedRoot({ ...w.trustedRoot, tlogs: [] });
    if (!r.ok) throw new Error('root');
    const b = JSON.stringify(w.bundle({ artifact }));
    await expectFailure(
      verifyBundle(b, artifact, { trustedRoot: r.root, now: NOW }),
      'tlog',
      /does not list/,
    );
  });
});

describe('verifyBundle: hostile input never throws', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{"mediaType":', /not JSON/],
    ['deep JSON', '['.repeat(200000) + ']'.repeat(200000), /not a Sigstore bundle|not JSON|not an object/],
    ['wrong media type', { mediaType: 'application/json' }, /not a Sigstore bundle media type/],
    [
      'no content',
      {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: { publicKey: {}, tlogEntries: [] },
      },
      /neither messageSignature nor dsseEnvelope/,
    ],
    ['null', null, /missing or not an object/],
  ];
  it.each(cases)('%s', async (_n, input, reason) => {
    const r = await verifyBundle(input, artifact, { trustedRoot: root });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('garbage base64 in the signature', async () => {
    const b = w.bundle({ artifact });
    (b as unknown as { messageSignature: { signature: string } }).messageSignature.signature =
      '!!!not base64***';
    await expectFailure(
      verifyBundle(b, artifact, { trustedRoot: root }),
      'bundle',
      /messageSignature.signature is not valid base64/,
    );
  });

  it('a certificate claiming a 4 GB length', async () => {
    const b = w.bundle({ artifact });
    const evil = Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x00]).toString('base64');
    (b.verificationMaterial as { certificate: { rawBytes: string } }).certificate.rawBytes = evil;
    await expectFailure(
      verifyBundle(b, artifact, { trustedRoot: root }),
      'certificate',
      /claims 4294967295 bytes but only 2 remain/,
    );
  });

  it('a truncated certificate', async () => {
    const b = w.bundle({ artifact });
    const c = b.verificationMaterial as { certificate: { rawBytes: string } };
    c.certificate.rawBytes = Buffer.from(
      Buffer.from(c.certificate.rawBytes, 'base64').subarray(0, 100),
    ).toString('base64');
    await expectFailure(
      verifyBundle(b, artifact, { trustedRoot: root }),
      'certificate',
      /claims \d+ bytes but only 96 remain/,
    );
  });

  it('no trusted root', async () => {
    await expectFailure(
      verifyBundle(w.bundle({ artifact }), artifact, undefined as never),
      'trusted-root',
      /no trusted root/,
    );
  });
});
