// The page's signature state against the real test registry: a policy pushed in kwctl's layout, signed in the test
// as cosign writes signatures (`.sig` layers with a key and with the test Fulcio chain and Rekor SET, and a cosign
// v3 bundle referrer through the fallback tag), then looked up, verified, re-verified without requests when the
// inputs change, decided under a verification config, and bounded in time. The signatures are made with node:crypto
// by the test PKI (tests/fixtures/signatures), whose certificates node's X509Certificate verifies independently.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushPolicy } from '../../src/lib/kubewarden';
import { clearAllLocalData } from '../../src/lib/storage';
import { connections } from '../../src/state/connections.svelte';
import { SignaturesState, type SignatureStatus } from '../../src/state/signatures.svelte';
import { cosignLayer } from '../fixtures/signatures/cosign-layers';
import { ecKeys, pem, type Keys } from '../fixtures/signatures/pki';
import {
  getManifest,
  pushBundleReferrer,
  pushCosignSignatures,
  putManifest,
} from '../fixtures/signatures/registry-signing';
import { IDENTITY, ISSUER, SIGNED_AT, makeWorld, type World } from '../fixtures/signatures/world';
import { hostOf, matching, registries, requests, unique } from './helpers';

const sample = () =>
  new Uint8Array(readFileSync(new URL('../../public/sample/no-privileged-pods.wasm', import.meta.url)));

let w: World;
let key: Keys;
let base: string;
let host: string;

/** Pushes the sample policy to a fresh repository; returns its reference and manifest digest. */
async function pushed(name: string) {
  const reference = `${host}/state-sig/${name}-${unique()}:v1`;
  const result = await pushPolicy(connections.clientFor(reference), reference, sample());
  return {
    reference,
    repo: reference.slice(host.length + 1, reference.lastIndexOf(':')),
    digest: result.digest,
  };
}

const assessed = (s: SignatureStatus) => {
  if (s.state !== 'verified' && s.state !== 'not-verified' && s.state !== 'unsigned')
    throw new Error(`expected a verification result, got ${JSON.stringify(s)}`);
  return s;
};

beforeAll(async () => {
  if (!registries) return;
  w = makeWorld();
  key = ecKeys();
  base = registries.noauth.url;
  host = hostOf(base);
  await connections.load();
  await clearAllLocalData();
});

describe.skipIf(!registries)('signature state', () => {
  it('verifies keyless and key signatures in both formats, and says who signed and when', async () => {
    const p = await pushed('signed');
    await pushCosignSignatures(base, p.repo, p.digest, [
      cosignLayer(w, { key, rekor: true, subject: p.digest, annotations: { env: 'prod' } }),
      cosignLayer(w, { subject: p.digest }),
    ]);
    const manifest = await getManifest(base, p.repo, p.digest);
    await pushBundleReferrer(base, p.repo, p.digest, w.bundle({ artifact: manifest, content: 'dsse' }));

    const s = new SignaturesState();
    requests.length = 0;
    // The shipped public-good root does not know the test Rekor log: signed, but nothing verifies.
    const first = assessed(await s.check(p.reference, p.digest));
    expect(first.state).toBe('not-verified');
    expect(first.summary).toMatch(
      /^Signed but not verified: the Rekor bundle is from log [0-9a-f]+, which the trusted root does not list/,
    );
    expect(first.signatures).toHaveLength(3);
    // One .sig manifest, its two layers; the referrers API (404 on distribution 2.8), the fallback tag, the
    // referrer manifest and its bundle.
    expect(matching('/manifests/').map((r) => new URL(r.url).pathname.split('/').pop())).toEqual(
      expect.arrayContaining([`${p.digest.replace(':', '-')}.sig`, p.digest.replace(':', '-')]),
    );
    expect(matching('/blobs/')).toHaveLength(3);
    const sent = requests.length;

    // The test instance's trusted root: every keyless signature verifies, without a new request.
    expect(await s.useTrustedRoot(JSON.stringify(w.trustedRoot), 'test-trusted-root.json')).toBe(true);
    const second = assessed(s.statusOf(p.reference, p.digest));
    expect(second.state).toBe('verified');
    expect(second.summary).toBe(
      `Verified: signed by ${IDENTITY} (issuer ${ISSUER}), logged at 2026-06-01 12:00:00 UTC (and 1 more)`,
    );
    const bySource = (src: string) => second.signatures.filter((x) => x.source === src);
    expect(bySource('cosign-tag').map((x) => x.verified)).toEqual([false, true]);
    expect(bySource('cosign-tag')[0]!.reason).toBe('signed with a key: give its public key to verify it');
    expect(bySource('cosign-tag')[0]!.annotations).toEqual({ env: 'prod' });
    expect(bySource('sigstore-bundle')[0]).toMatchObject({ verified: true, signedAt: SIGNED_AT });
    expect(requests.length).toBe(sent);

    // The public key verifies the key-signed layer; a wrong identity unverifies the keyless ones.
    expect(
      await s.setInputs({
        publicKeyPem: pem('PUBLIC KEY', key.spki),
        identity: 'https://github.com/evil/x',
        issuer: '',
      }),
    ).toBe(true);
    const third = assessed(s.statusOf(p.reference, p.digest));
    expect(third.signatures.map((x) => x.verified)).toEqual([true, false, false]);
    expect(third.signatures[0]!.signer).toMatchObject({
      kind: 'key',
      key: expect.stringMatching(/^ECDSA P-256 key sha256:[0-9a-f]{16}…$/),
    });
    expect(third.signatures[1]!.reason).toBe(
      `signed by "${IDENTITY}", not the expected identity "https://github.com/evil/x"`,
    );
    expect(third.summary).toMatch(
      /^Verified: signed by the ECDSA P-256 key sha256:[0-9a-f]{16}…, logged at 2026-06-01 12:00:00 UTC$/,
    );
    expect(requests.length).toBe(sent);

    // A key that is not a key is refused and changes nothing.
    expect(await s.setInputs({ publicKeyPem: 'not a key', identity: '', issuer: '' })).toBe(false);
    expect(s.keyProblem).toBeTruthy();
    expect(assessed(s.statusOf(p.reference, p.digest)).signatures[0]!.verified).toBe(true);

    // Cached for the page: asking again sends nothing; "check again" fetches again.
    await s.check(p.reference, p.digest);
    expect(requests.length).toBe(sent);
    await s.check(`${host}/${p.repo}@${p.digest}`, p.digest, { force: true });
    expect(requests.length).toBeGreaterThan(sent);
  });

  it('decides as policy-server would under a verification config, reading only the .sig tag', async () => {
    const p = await pushed('config');
    await pushCosignSignatures(base, p.repo, p.digest, [cosignLayer(w, { key, subject: p.digest })]);
    const manifest = await getManifest(base, p.repo, p.digest);
    await pushBundleReferrer(base, p.repo, p.digest, w.bundle({ artifact: manifest, content: 'dsse' }));
    // A provenance attestation is a bundle referrer too, but no signature: listed apart, never counted.
    const slsa = 'https://slsa.dev/provenance/v1';
    const bundle = w.bundle({ artifact: manifest, content: 'dsse', predicateType: slsa });
    await pushBundleReferrer(base, p.repo, p.digest, bundle, slsa);
    const s = new SignaturesState();
    await s.useTrustedRoot(JSON.stringify(w.trustedRoot), 'test-trusted-root.json');
    const all = assessed(await s.check(p.reference, p.digest));
    expect(all.signatures.map((x) => [x.source, x.attestation, x.verified])).toEqual([
      ['cosign-tag', null, false],
      ['sigstore-bundle', null, true],
      ['sigstore-bundle', slsa, true],
    ]);
    // One verified signature: the attestation is not "one more".
    expect(all.summary).toBe(
      `Verified: signed by ${IDENTITY} (issuer ${ISSUER}), logged at 2026-06-01 12:00:00 UTC`,
    );

    const keyPem = pem('PUBLIC KEY', key.spki).trim().split('\n').join('\n      ');
    expect(
      await s.setConfig(`apiVersion: v1\nallOf:\n  - kind: pubKey\n    key: |\n      ${keyPem}\n`, 'key.yml'),
    ).toBe(true);
    let r = assessed(s.statusOf(p.reference, p.digest));
    expect(r.decision).toMatchObject({ accepted: true, message: 'Policy successfully verified' });
    expect(r.decision!.allOf[0]!.matchedBy).toHaveLength(1);
    expect(r.notes).toContain(
      "policy-server reads only cosign's .sig tag, so the decision leaves out 2 Sigstore bundle referrer(s).",
    );

    // The keyless referrer bundle matches this rule, but policy-server never reads referrers: rejected.
    expect(
      await s.setConfig(
        `apiVersion: v1\nallOf:\n  - kind: githubAction\n    owner: kubewarden\n`,
        'github.yml',
      ),
    ).toBe(true);
    r = assessed(s.statusOf(p.reference, p.digest));
    expect(r.state).toBe('verified');
    expect(r.decision).toMatchObject({
      accepted: false,
      message:
        'Image verification failed: missing signatures; the following constraints were not satisfied: allOf[0]',
    });

    expect(await s.setConfig('apiVersion: v1\nallOf:\n  - kind: nope\n', 'bad.yml')).toBe(false);
    expect(s.configProblems[0]).toMatchObject({ line: 3 });
    await s.clearConfig();
    expect(assessed(s.statusOf(p.reference, p.digest)).decision).toBeNull();
  });

  it('a tampered payload fails with the reason; a manifest with nothing attached is unsigned', async () => {
    const p = await pushed('tampered');
    await pushCosignSignatures(base, p.repo, p.digest, [
      cosignLayer(w, { key, subject: p.digest, tamperPayload: true }),
      cosignLayer(w, { subject: p.digest, tamperPayload: true }),
    ]);
    const s = new SignaturesState();
    await s.useTrustedRoot(JSON.stringify(w.trustedRoot), 'test-trusted-root.json');
    await s.setInputs({ publicKeyPem: pem('PUBLIC KEY', key.spki), identity: '', issuer: '' });
    const r = assessed(await s.check(p.reference, p.digest));
    expect(r.state).toBe('not-verified');
    expect(r.signatures[0]!.reason).toMatch(/^the signature does not verify with the given ECDSA P-256 key/);
    // The keyless layer's Rekor entry logged the digest of the payload that was signed, not of these bytes.
    expect(r.signatures[1]!.reason).toBe("the log entry's artifact digest does not match the bundle");
    expect(r.summary).toBe(
      `Signed but not verified: ${r.signatures[0]!.reason} (and 1 more signature(s), none verified)`,
    );

    const u = await pushed('unsigned');
    const none = assessed(await s.check(u.reference, u.digest));
    expect(none).toMatchObject({
      state: 'unsigned',
      summary: 'No sigstore signatures found',
      signatures: [],
    });
  });

  it('a fallback index with odd entries and a Notary signature: listed, never a crash', async () => {
    const p = await pushed('odd');
    const size = (await getManifest(base, p.repo, p.digest)).length;
    const child = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: p.digest, size };
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...child, artifactType: 5 },
        { ...child, artifactType: 'application/vnd.cncf.notary.signature' },
      ],
    };
    await putManifest(
      base,
      p.repo,
      p.digest.replace(':', '-'),
      JSON.stringify(index),
      'application/vnd.oci.image.index.v1+json',
    );
    const r = assessed(await new SignaturesState().check(p.reference, p.digest));
    expect(r.state).toBe('not-verified');
    expect(r.signatures.map((x) => [x.source, x.reason])).toEqual([
      [
        'other',
        'a signature of type application/vnd.cncf.notary.signature: Wasmlens verifies Sigstore signatures only',
      ],
    ]);
  });

  it('an explained failure when the registry refuses, and a trusted root that is kept or refused', async () => {
    const s = new SignaturesState();
    const h = registries!.htpasswd;
    const r = await s.check(`${hostOf(h.url)}/private/policy:v1`, `sha256:${'ab'.repeat(32)}`);
    expect(r).toMatchObject({ state: 'failed', failure: { domain: 'registry', code: 'unauthorized' } });

    await s.useTrustedRoot(JSON.stringify(w.trustedRoot), 'mine.json');
    const again = new SignaturesState();
    await again.load();
    expect(again.trustedRoot).toMatchObject({ kind: 'custom', name: 'mine.json' });
    expect(await again.useTrustedRoot('{"mediaType": "x"}', 'bad.json')).toBe(false);
    expect(again.rootProblems.join('\n')).toMatch(/mediaType "x" is not a Sigstore trusted root media type/);
    expect(again.trustedRoot.name).toBe('mine.json');
    await again.usePublicGoodRoot();
    const third = new SignaturesState();
    await third.load();
    expect(third.trustedRoot).toMatchObject({ kind: 'public-good', date: '2026-03-18' });
  });
});

describe('a page without WebCrypto', () => {
  it('says why nothing can be verified there, before any request', async () => {
    const real = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true });
    try {
      requests.length = 0;
      const r = await new SignaturesState().check('127.0.0.1:1/any/policy', `sha256:${'cd'.repeat(32)}`);
      expect(r).toMatchObject({ state: 'failed', failure: { code: 'insecure-context' } });
      expect(requests).toHaveLength(0);
    } finally {
      Object.defineProperty(globalThis, 'crypto', real);
    }
  });
});

describe.skipIf(!registries)('a registry that never answers', () => {
  let server: Server;
  let silent: string;
  const held: import('node:http').ServerResponse[] = [];
  beforeAll(async () => {
    server = createServer((_req, res) => held.push(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    silent = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

  it('times out with an explained failure instead of checking forever', async () => {
    const s = new SignaturesState({ timeoutMs: 300 });
    const r = await s.check(`${silent}/slow/policy`, digest(1));
    expect(r).toMatchObject({ state: 'failed', failure: { domain: 'registry', code: 'timeout' } });
    expect((r as { failure: { message: string } }).failure.message).toMatch(
      /took longer than 0.3 s, so it was stopped/,
    );
  });

  it('runs at most four lookups at once, and a cancel ends one at once', async () => {
    const s = new SignaturesState({ timeoutMs: 60_000 });
    requests.length = 0;
    const runs = [1, 2, 3, 4, 5, 6].map((n) => s.check(`${silent}/slow/p${n}`, digest(n)));
    await expect.poll(() => requests.length).toBe(8);
    await new Promise((r) => setTimeout(r, 200));
    // Four lookups, each asking for the .sig tag and the referrers: the other two wait their turn.
    expect(requests).toHaveLength(8);
    expect(s.statusOf(`${silent}/slow/p6`, digest(6))).toEqual({ state: 'checking' });
    for (const n of [1, 2, 3, 4, 5, 6]) s.cancel(`${silent}/slow/p${n}`, digest(n));
    expect((await Promise.all(runs)).map((x) => x.state)).toEqual(Array(6).fill('idle'));
  });
});
