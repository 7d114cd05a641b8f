// Kubewarden's verification config: parsing with policy-fetcher's serde rules (kubewarden
// `crates/policy-fetcher/src/verify/config.rs` and its tests are the oracle for the shapes, the
// `urlPrefix` sanitising and the error cases) and policy-server's accept/reject decision
// (`verify_signatures_against_config`, `verification_constraints.rs`).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateVerificationConfig,
  parseTrustedRoot,
  parseVerificationConfig,
  readCosignSignatures,
  type SignatureRecord,
  type TrustedRoot,
  type VerificationConfig,
} from '../../src/lib/signatures';
import { cosignLayer, sigManifest, SUBJECT } from '../fixtures/signatures/cosign-layers';
import { ecKeys, makeCert, name, pem, type Keys } from '../fixtures/signatures/pki';
import { NOW, makeWorld, type World } from '../fixtures/signatures/world';

const parse = (yaml: string): VerificationConfig => {
  const r = parseVerificationConfig(yaml);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
};
const issues = (yaml: string) => {
  const r = parseVerificationConfig(yaml);
  return r.ok ? [] : r.issues;
};

describe('parseVerificationConfig', () => {
  it('reads policy-fetcher test_deserialize and sanitises urlPrefix with a trailing slash (test_sanitize_url_prefix)', () => {
    const c = parse(`---
apiVersion: v1

allOf:
  - kind: genericIssuer
    issuer: https://token.actions.githubusercontent.com
    subject:
       equal: https://github.com/kubewarden/policy-secure-pod-images/.github/workflows/release.yml@refs/heads/main
  - kind: genericIssuer
    issuer: https://token.actions.githubusercontent.com
    subject:
       urlPrefix: https://github.com/kubewarden
  - kind: genericIssuer
    issuer: https://yourdomain.com/oauth2
    subject:
       urlPrefix: https://github.com/kubewarden/
`);
    expect(c.allOf).toEqual([
      {
        kind: 'genericIssuer',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: {
          equal:
            'https://github.com/kubewarden/policy-secure-pod-images/.github/workflows/release.yml@refs/heads/main',
        },
        annotations: null,
      },
      {
        kind: 'genericIssuer',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: { urlPrefix: 'https://github.com/kubewarden/' },
        annotations: null,
      },
      {
        kind: 'genericIssuer',
        issuer: 'https://yourdomain.com/oauth2',
        subject: { urlPrefix: 'https://github.com/kubewarden/' },
        annotations: null,
      },
    ]);
    expect(c.anyOf).toBeNull();
  });

  it('reads every kind, anyOf with minimumMatches, and its default of 1', () => {
    const c = parse(`apiVersion: v1
allOf:
  - kind: githubAction
    owner: kubewarden
    repo: policy-server
    annotations:
      env: prod
anyOf:
  signatures:
  - kind: pubKey
    owner: alice
    key: |
      -----BEGIN PUBLIC KEY-----
      MFkw
      -----END PUBLIC KEY-----
  - kind: certificate
    certificate: pem
    certificateChain: [a, b]
    requireRekorBundle: true
`);
    expect(c.allOf![0]).toEqual({
      kind: 'githubAction',
      owner: 'kubewarden',
      repo: 'policy-server',
      annotations: { env: 'prod' },
    });
    expect(c.anyOf!.minimumMatches).toBe(1);
    expect(c.anyOf!.signatures[0]).toMatchObject({ kind: 'pubKey', owner: 'alice' });
    expect(c.anyOf!.signatures[1]).toEqual({
      kind: 'certificate',
      certificate: 'pem',
      certificateChain: ['a', 'b'],
      requireRekorBundle: true,
      annotations: null,
    });
  });

  it.each([
    [
      'missing subject (policy-fetcher test_deserialize_on_missing_signature)',
      'apiVersion: v1\nallOf:\n  - kind: genericIssuer\n    issuer: https://x\n',
      /missing field `subject`/,
      3,
    ],
    [
      'unknown field',
      'apiVersion: v1\nallOf:\n  - kind: pubKey\n    key: k\n    colour: red\n',
      /unknown field `colour`/,
      5,
    ],
    ['unknown kind', 'apiVersion: v1\nallOf:\n  - kind: keyless\n', /unknown variant `keyless`/, 3],
    ['unsupported version', 'apiVersion: v2\nallOf: []\n', /Not a supported configuration version: "v2"/, 1],
    ['missing apiVersion', 'allOf:\n  - kind: githubAction\n    owner: x\n', /missing field `apiVersion`/, 1],
    ['no signatures', 'apiVersion: v1\n', /missing signatures in both allOf and anyOf/, 1],
    [
      'minimumMatches out of u8',
      'apiVersion: v1\nanyOf:\n  minimumMatches: 300\n  signatures: []\n',
      /from 0 to 255/,
      3,
    ],
    [
      'a number where a string goes',
      'apiVersion: v1\nallOf:\n  - kind: githubAction\n    owner: 123\n',
      /`owner` must be a string/,
      4,
    ],
    [
      'an annotation that is not a string',
      'apiVersion: v1\nallOf:\n  - kind: githubAction\n    owner: x\n    annotations:\n      env: true\n',
      /annotations.env` must be a string/,
      6,
    ],
    [
      'urlPrefix that is not a URL',
      'apiVersion: v1\nallOf:\n  - kind: genericIssuer\n    issuer: i\n    subject:\n      urlPrefix: not a url\n',
      /is not a URL/,
      6,
    ],
    ['broken YAML (policy-fetcher test_deserialize_on_broken_yaml)', '---\nfoo: [\n', /./, 3],
    ['duplicate keys', 'apiVersion: v1\napiVersion: v1\nallOf: []\n', /unique/i, 2],
  ])('%s', (_n, yaml, message, line) => {
    const found = issues(yaml);
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((i) => i.message).join(' | ')).toMatch(message);
    expect(found.find((i) => message.test(i.message))?.line ?? found[0]!.line).toBe(line);
  });

  it('survives an alias bomb and huge input', () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\napiVersion: v1\nallOf: [*d, *d, *d, *d, *d, *d, *d, *d]\n';
    expect(issues(bomb).length).toBeGreaterThan(0);
    expect(issues('x'.repeat(2 * 1024 * 1024))[0]!.message).toMatch(/more than/);
  });
});

describe('evaluateVerificationConfig', () => {
  let w: World;
  let trustedRoot: TrustedRoot;
  let alice: Keys;
  let records: SignatureRecord[];

  beforeAll(async () => {
    w = makeWorld();
    const r = parseTrustedRoot(w.trustedRoot);
    if (!r.ok) throw new Error('root');
    trustedRoot = r.root;
    alice = ecKeys();
    const { manifest, blobs } = sigManifest([
      cosignLayer(w),
      cosignLayer(w, { key: alice, annotations: { env: 'prod', build: 42 } }),
    ]);
    const read = await readCosignSignatures(manifest, blobs, {
      subjectDigest: SUBJECT,
      trustedRoot,
      now: NOW,
    });
    if (!read.ok) throw new Error(read.reason);
    records = read.records;
  });

  const decide = (yaml: string) =>
    evaluateVerificationConfig(parse(yaml), records, { trustedRoot, now: NOW });
  const aliceKey = () => pem('PUBLIC KEY', alice.spki).replace(/^(?=.)/gm, '      ');

  it('accepts a policy signed from kubewarden/policy in GitHub Actions (githubAction)', async () => {
    const d = await decide(
      'apiVersion: v1\nallOf:\n  - kind: githubAction\n    owner: kubewarden\n    repo: policy\n',
    );
    expect(d.accepted).toBe(true);
    expect(d.message).toBe('Policy successfully verified');
    expect(d.allOf[0]!.matchedBy).toEqual([records[0]!.where]);
  });

  it('rejects another owner or repo, naming the rule', async () => {
    const d = await decide(
      'apiVersion: v1\nallOf:\n  - kind: githubAction\n    owner: kubewarden\n    repo: other\n',
    );
    expect(d.accepted).toBe(false);
    expect(d.message).toMatch(/constraints were not satisfied: allOf\[0\]/);
  });

  it('urlPrefix cannot be typo-squatted: https://github.com/kube does not match kubewarden', async () => {
    const ok = await decide(
      'apiVersion: v1\nallOf:\n  - kind: genericIssuer\n    issuer: https://token.actions.githubusercontent.com\n    subject:\n      urlPrefix: https://github.com/kubewarden\n',
    );
    const squat = await decide(
      'apiVersion: v1\nallOf:\n  - kind: genericIssuer\n    issuer: https://token.actions.githubusercontent.com\n    subject:\n      urlPrefix: https://github.com/kube\n',
    );
    expect([ok.accepted, squat.accepted]).toEqual([true, false]);
  });

  it('pubKey with annotations: numbers compare as text, a missing annotation fails', async () => {
    const good = await decide(
      `apiVersion: v1\nallOf:\n  - kind: pubKey\n    key: |\n${aliceKey()}    annotations:\n      env: prod\n      build: "42"\n`,
    );
    const bad = await decide(
      `apiVersion: v1\nallOf:\n  - kind: pubKey\n    key: |\n${aliceKey()}    annotations:\n      team: core\n`,
    );
    expect([good.accepted, bad.accepted]).toEqual([true, false]);
  });

  it('anyOf counts satisfied rules against minimumMatches', async () => {
    const yaml = (n: number) =>
      `apiVersion: v1\nanyOf:\n  minimumMatches: ${n}\n  signatures:\n  - kind: pubKey\n    key: |\n${aliceKey()}  - kind: githubAction\n    owner: kubewarden\n  - kind: githubAction\n    owner: evil\n`;
    const two = await decide(yaml(2));
    const three = await decide(yaml(3));
    expect(two.accepted).toBe(true);
    expect(three.accepted).toBe(false);
    expect(three.message).toBe(
      'Image verification failed: minimum number of signatures not reached: needed 3, got 2',
    );
  });

  it('a rule whose key cannot be read is unsatisfied, with the reason', async () => {
    const d = await decide('apiVersion: v1\nallOf:\n  - kind: pubKey\n    key: not a key\n');
    expect(d.accepted).toBe(false);
    expect(d.allOf[0]!.explanation).toMatch(/cannot create verifier.*no PEM block/);
  });

  it('certificate kind: the signer certificate, with its chain, and requireRekorBundle', async () => {
    const keys = ecKeys();
    const caKeys = ecKeys();
    const caName = name('example', 'own-ca');
    const ca = makeCert({
      subject: caName,
      keys: caKeys,
      notBefore: new Date('2025-01-01'),
      notAfter: new Date('2030-01-01'),
      ca: {},
    });
    const cert = makeCert({
      subject: name('example', 'signer'),
      keys,
      issuer: { name: caName, keys: caKeys },
      notBefore: new Date('2025-01-01'),
      notAfter: new Date('2030-01-01'),
      san: { email: 'signer@example.com' },
      eku: ['1.3.6.1.5.5.7.3.3'],
    });
    const { manifest, blobs } = sigManifest([cosignLayer(w, { key: keys })]);
    const read = await readCosignSignatures(manifest, blobs, {
      subjectDigest: SUBJECT,
      trustedRoot,
      now: NOW,
    });
    if (!read.ok) throw new Error(read.reason);
    const indent = (t: string) => t.replace(/^(?=.)/gm, '      ');
    const config = (require: boolean, chain: string) =>
      parse(
        `apiVersion: v1\nallOf:\n  - kind: certificate\n    certificate: |\n${indent(pem('CERTIFICATE', cert))}    certificateChain:\n    - |\n${indent(chain)}    requireRekorBundle: ${require}\n`,
      );
    const good = await evaluateVerificationConfig(config(false, pem('CERTIFICATE', ca)), read.records, {
      trustedRoot,
      now: NOW,
    });
    const needsRekor = await evaluateVerificationConfig(config(true, pem('CERTIFICATE', ca)), read.records, {
      trustedRoot,
      now: NOW,
    });
    const wrongChain = await evaluateVerificationConfig(
      config(false, pem('CERTIFICATE', w.root)),
      read.records,
      { trustedRoot, now: NOW },
    );
    expect([good.accepted, needsRekor.accepted, wrongChain.accepted]).toEqual([true, false, false]);
    expect(wrongChain.allOf[0]!.explanation).toMatch(/does not chain/);
  });
});
