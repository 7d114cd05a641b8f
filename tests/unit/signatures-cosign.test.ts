// cosign `.sig` layers and Sigstore-bundle referrers read into SignatureRecords. Semantics follow
// sigstore-rs `cosign/signature_layers.rs` (a certificate is trusted only with a verified Rekor
// bundle; a layer whose bundle fails is unusable) and cosign's payload checks.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bundleLayers,
  parsePublicKeyPem,
  parseTrustedRoot,
  readBundleSignature,
  readCosignSignatures,
  signedByKey,
  type TrustedRoot,
} from '../../src/lib/signatures';
import { cosignLayer, sigManifest, SUBJECT } from '../fixtures/signatures/cosign-layers';
import { ecKeys, pem } from '../fixtures/signatures/pki';
import { IDENTITY, ISSUER, NOW, makeWorld, type World } from '../fixtures/signatures/world';

let w: World;
let trustedRoot: TrustedRoot;
beforeAll(() => {
  w = makeWorld();
  const r = parseTrustedRoot(w.trustedRoot);
  if (!r.ok) throw new Error(r.issues.join('; '));
  trustedRoot = r.root;
});

async function read(layers: ReturnType<typeof cosignLayer>[]) {
  const { manifest, blobs } = sigManifest(layers);
  const r = await readCosignSignatures(JSON.stringify(manifest), blobs, {
    subjectDigest: SUBJECT,
    trustedRoot,
    now: NOW,
  });
  if (!r.ok) throw new Error(r.reason);
  return r.records;
}

describe('cosign .sig layers', () => {
  it('a key-signed layer is checked against the right key and refused by another', async () => {
    const key = ecKeys();
    const [rec] = await read([cosignLayer(w, { key, annotations: { env: 'prod', creator: 'cosign' } })]);
    expect(rec!.problem).toBeNull();
    expect(rec!.annotations).toEqual({ env: 'prod' });
    expect(await signedByKey(rec!, parsePublicKeyPem(pem('PUBLIC KEY', key.spki)), { trustedRoot })).toBe(
      true,
    );
    expect(
      await signedByKey(rec!, parsePublicKeyPem(pem('PUBLIC KEY', ecKeys().spki)), { trustedRoot }),
    ).toBe(false);
  });

  it('a key-signed layer with a Rekor bundle records the integrated time', async () => {
    const key = ecKeys();
    const [rec] = await read([cosignLayer(w, { key, rekor: true })]);
    expect(rec!.rekor?.logIndex).toBe(77n);
    expect(await signedByKey(rec!, parsePublicKeyPem(pem('PUBLIC KEY', key.spki)), { trustedRoot })).toBe(
      true,
    );
  });

  it('a keyless layer with certificate, chain and Rekor bundle is trusted, with its identity', async () => {
    const [rec] = await read([cosignLayer(w)]);
    expect(rec!.problem).toBeNull();
    expect(rec!.certificate?.problem).toBeNull();
    expect(rec!.certificate?.trusted).toBe(true);
    expect(rec!.certificate?.identity.subjectAlternativeName).toBe(IDENTITY);
    expect(rec!.certificate?.identity.issuer).toBe(ISSUER);
  });

  it('a keyless layer without a Rekor bundle keeps an untrusted certificate', async () => {
    const [rec] = await read([cosignLayer(w, { rekor: false })]);
    expect(rec!.problem).toBeNull();
    expect(rec!.certificate?.trusted).toBe(false);
    expect(rec!.certificate?.problem).toMatch(/without a verified Rekor bundle/);
  });

  it('a keyless layer signed outside its certificate validity is not trusted', async () => {
    const late = new Date(NOW.getTime() - 60_000);
    const [rec] = await read([
      cosignLayer(w, {
        leaf: {
          notAfter: new Date(late.getTime() - 600_000),
          notBefore: new Date(late.getTime() - 1_200_000),
        },
        integratedTime: late,
      }),
    ]);
    expect(rec!.certificate?.trusted).toBe(false);
    expect(rec!.certificate?.problem).toMatch(/outside the certificate's validity/);
  });

  it('a tampered Rekor bundle makes the layer unusable', async () => {
    const [rec] = await read([cosignLayer(w, { tamperSet: true })]);
    expect(rec!.problem).toMatch(/signed entry timestamp does not verify/);
  });

  it('a payload for another digest makes the layer unusable', async () => {
    const [rec] = await read([cosignLayer(w, { key: ecKeys(), subject: `sha256:${'aa'.repeat(32)}` })]);
    expect(rec!.problem).toMatch(/the payload signs "sha256:aaaa.*", not sha256:5f5f/);
  });

  it('a blob that does not match its digest, and a missing blob', async () => {
    const a = cosignLayer(w, { key: ecKeys() });
    const b = cosignLayer(w, { key: ecKeys(), annotations: { n: '2' } });
    const { manifest, blobs } = sigManifest([a, b]);
    blobs.set(a.descriptor.digest, new TextEncoder().encode('{}'));
    blobs.delete(b.descriptor.digest);
    const r = await readCosignSignatures(manifest, blobs, { subjectDigest: SUBJECT, trustedRoot, now: NOW });
    expect(r.ok && r.records.map((x) => x.problem)).toEqual([
      'the layer blob does not match its digest',
      'the layer blob was not fetched',
    ]);
  });

  it('an unreadable manifest is a failure, not an exception', async () => {
    expect(
      await readCosignSignatures('{"layers": 3', new Map(), { subjectDigest: SUBJECT, trustedRoot }),
    ).toMatchObject({ ok: false });
    expect(
      await readCosignSignatures({ layers: 'x' }, new Map(), { subjectDigest: SUBJECT, trustedRoot }),
    ).toMatchObject({ ok: false, check: 'payload' });
  });
});

describe('Sigstore bundle referrers', () => {
  const subjectBytes = new TextEncoder().encode('{"schemaVersion":2}');
  /** Reads a DSSE bundle over `subjectBytes` as a referrer of `subjectDigest`. */
  const readReferrer = (subjectDigest: string, key?: ReturnType<typeof ecKeys>) =>
    readBundleSignature(
      new TextEncoder().encode(JSON.stringify(w.bundle({ artifact: subjectBytes, content: 'dsse', key }))),
      'sha256:bundle',
      { subjectDigest, trustedRoot, now: NOW },
    );
  const subjectDigest = async () =>
    `sha256:${Buffer.from(await crypto.subtle.digest('SHA-256', subjectBytes)).toString('hex')}`;

  it('picks the bundle layers of a referrer manifest', () => {
    const manifest = {
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      layers: [
        { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: 'sha256:aa', size: 1 },
        { mediaType: 'application/octet-stream', digest: 'sha256:bb', size: 1 },
        // No size: a client could not check the blob it fetches, so the layer is not offered.
        { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: 'sha256:cc' },
      ],
    };
    expect(bundleLayers(manifest)).toEqual([
      { digest: 'sha256:aa', mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', size: 1 },
    ]);
    expect(bundleLayers('nonsense')).toEqual([]);
  });

  it('a keyless DSSE bundle about the manifest becomes a trusted record', async () => {
    const rec = await readReferrer(await subjectDigest());
    expect(rec.problem).toBeNull();
    expect(rec.certificate?.trusted).toBe(true);
    expect(rec.certificate?.identity.subjectAlternativeName).toBe(IDENTITY);
  });

  it('a key-signed bundle is verified once the key is given', async () => {
    const key = ecKeys();
    const rec = await readReferrer(await subjectDigest(), key);
    expect(rec.certificate).toBeNull();
    expect(
      await signedByKey(rec, parsePublicKeyPem(pem('PUBLIC KEY', key.spki)), { trustedRoot, now: NOW }),
    ).toBe(true);
    expect(
      await signedByKey(rec, parsePublicKeyPem(pem('PUBLIC KEY', ecKeys().spki)), { trustedRoot, now: NOW }),
    ).toBe(false);
  });

  it('a bundle about another manifest is unusable', async () => {
    const rec = await readReferrer(SUBJECT);
    expect(rec.problem).toMatch(/no subject/);
  });
});
