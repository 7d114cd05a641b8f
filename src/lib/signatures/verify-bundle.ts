/**
 * `verifyBundle`: everything a Sigstore verifier checks for one bundle, in the order that gives
 * the clearest reason — the signature, the artifact, the transparency log, RFC 3161 timestamps,
 * the certificate chain at every verified time, SCTs, then the expected identity. Never throws.
 */
import { bytesEqual, digest, toHex, type HashName } from './bytes';
import { parseBundle, type Bundle } from './bundle';
import { certKey, iso, verifyChain } from './chain';
import { matchSubject, pae, parseDigest, parseStatement, type Artifact, type Statement } from './dsse';
import { fail, toFailure, type Failure } from './errors';
import { checkIdentity, signerIdentity, type Matcher, type SignerIdentity } from './identity';
import { describeKey, parsePublicKeyPem, verifySignature, type PublicKey } from './keys';
import { verifyTimestamp } from './rfc3161';
import { verifyScts } from './sct';
import { verifyTlogEntry, type TlogResult } from './tlog';
import { authoritiesAt, type TrustedRoot } from './trusted-root';
import { OID } from './oid';
import type { Certificate } from './x509';

export interface VerifyBundleOptions {
  trustedRoot: TrustedRoot;
  /** PEM public key for bundles signed with a key rather than a Fulcio certificate. */
  publicKey?: string | PublicKey;
  /** Expected certificate SAN (exact string, or a RegExp). */
  identity?: Matcher;
  /** Expected OIDC issuer (exact string, or a RegExp). */
  issuer?: Matcher;
  /** The verifier's clock; integrated times after it are refused. */
  now?: Date;
  /** Verified SCTs required for a certificate (default 1, as sigstore-js and cosign). */
  ctlogThreshold?: number;
  /** Verified transparency-log entries required (default 1). */
  tlogThreshold?: number;
}

export type Signer =
  | { kind: 'certificate'; identity: SignerIdentity; certificate: Certificate; chain: Certificate[] }
  | { kind: 'public-key'; key: string; hint: string };

export interface Verified {
  ok: true;
  signer: Signer;
  /** The earliest verified time the signature existed: a log's integrated time or a TSA's. */
  integratedTime: Date | null;
  timestamps: { source: 'tlog' | 'tsa'; time: Date }[];
  tlog: TlogResult[];
  /** CT logs (hex ids) whose SCTs verified. */
  sctLogs: string[];
  bundleVersion: Bundle['version'];
  content: 'message' | 'dsse';
  /** The in-toto statement of a DSSE bundle. */
  statement: Statement | null;
}

export type BundleVerification = Verified | Failure;

const HASH_NAMES: Record<string, HashName> = {
  SHA2_256: 'SHA-256',
  SHA2_384: 'SHA-384',
  SHA2_512: 'SHA-512',
  HASH_ALGORITHM_UNSPECIFIED: 'SHA-256',
};

async function checkSignature(b: Bundle, key: PublicKey, artifact: Artifact): Promise<Statement | null> {
  const c = b.content;
  if (c.kind === 'dsse') {
    if (!(await verifySignature(key, pae(c.payloadType, c.payload), c.signature))) {
      fail('signature', `the DSSE signature does not verify with the ${describeKey(key)} key`);
    }
    const statement = parseStatement(c.payloadType, c.payload);
    await matchSubject(statement, artifact);
    return statement;
  }
  const hash = HASH_NAMES[c.algorithm];
  if (!hash) fail('bundle', `message digest algorithm ${c.algorithm} is not supported`);
  if (artifact instanceof Uint8Array) {
    if (!bytesEqual(await digest(hash, artifact), c.digest))
      fail('artifact', "the artifact's digest differs from the signed message digest");
    if (!(await verifySignature(key, artifact, c.signature, { hash }))) {
      fail('signature', `the signature does not verify over the artifact with the ${describeKey(key)} key`);
    }
    return null;
  }
  const want = parseDigest(artifact.digest);
  if (!bytesEqual(want.bytes, c.digest))
    fail('artifact', `the bundle signs digest ${toHex(c.digest)}, not ${artifact.digest}`);
  fail(
    'signature',
    'a message signature can only be checked against the artifact bytes; only its digest was given',
  );
}

function signingKey(b: Bundle, opts: VerifyBundleOptions): { key: PublicKey; leaf: Certificate | null } {
  const given =
    opts.publicKey === undefined
      ? null
      : typeof opts.publicKey === 'string'
        ? parsePublicKeyPem(opts.publicKey)
        : opts.publicKey;
  if (b.material.kind === 'public-key') {
    if (!given)
      fail(
        'key',
        `the bundle is signed with a key${b.material.hint ? ` (hint ${b.material.hint})` : ''}; the public key is needed to verify it`,
      );
    return { key: given, leaf: null };
  }
  const leaf = b.material.certificates[0]!;
  const key = certKey(leaf);
  if (given && !bytesEqual(given.spki, leaf.spki))
    fail('key', "the bundle's certificate holds a different key than the given public key");
  return { key, leaf };
}

/** Checks a Fulcio certificate at every verified time: validity, code-signing use, chain to a CA valid then. */
export async function checkCertificate(
  leaf: Certificate,
  times: Date[],
  root: TrustedRoot,
): Promise<Certificate[]> {
  if (leaf.extKeyUsage && !leaf.extKeyUsage.includes(OID.ekuCodeSigning))
    fail('certificate', 'the signing certificate is not for code signing');
  let path: Certificate[] = [];
  for (const t of times) {
    if (t < leaf.notBefore || t > leaf.notAfter) {
      fail(
        'certificate',
        `the signature was made at ${iso(t)}, outside the certificate's validity ${iso(leaf.notBefore)} – ${iso(leaf.notAfter)}`,
      );
    }
    const cas = authoritiesAt(root.certificateAuthorities, t);
    if (cas.length === 0)
      fail('chain', `no certificate authority of the trusted root was valid at ${iso(t)}`);
    let last: unknown = null;
    path = [];
    for (const ca of cas) {
      try {
        path = await verifyChain(leaf, ca.chain, t);
        break;
      } catch (e) {
        last = e;
      }
    }
    if (path.length === 0) throw last;
  }
  return path;
}

async function run(bundleInput: unknown, artifact: Artifact, opts: VerifyBundleOptions): Promise<Verified> {
  if (!opts || typeof opts !== 'object' || !opts.trustedRoot)
    fail('trusted-root', 'no trusted root was given');
  if (!(artifact instanceof Uint8Array) && (typeof artifact !== 'object' || artifact === null))
    fail('artifact', 'the artifact must be bytes or { digest }');
  const now = opts.now ?? new Date();
  const root = opts.trustedRoot;
  const b = parseBundle(bundleInput);
  const { key, leaf } = signingKey(b, opts);
  const statement = await checkSignature(b, key, artifact);

  const signerMaterial = leaf ? { certificate: leaf.der } : { spki: key.spki };
  const tlog: TlogResult[] = [];
  for (const e of b.tlogEntries) tlog.push(await verifyTlogEntry(e, b.content, signerMaterial, root, now));
  const tlogThreshold = opts.tlogThreshold ?? 1;
  if (tlog.length < tlogThreshold)
    fail('tlog', `the bundle has ${tlog.length} transparency-log entries, ${tlogThreshold} required`);

  const timestamps: Verified['timestamps'] = [];
  for (const t of tlog) if (t.integratedTime) timestamps.push({ source: 'tlog', time: t.integratedTime });
  for (const ts of b.timestamps) {
    const time = await verifyTimestamp(ts, b.content.signature, root.timestampAuthorities);
    if (time.getTime() > now.getTime()) fail('timestamp', `the timestamp ${iso(time)} is in the future`);
    timestamps.push({ source: 'tsa', time });
  }
  if (timestamps.length === 0)
    fail(
      'timestamp',
      'no verified time: the bundle has neither an inclusion promise nor an RFC 3161 timestamp',
    );

  let signer: Signer;
  let sctLogs: string[] = [];
  if (leaf) {
    const chain = await checkCertificate(
      leaf,
      timestamps.map((t) => t.time),
      root,
    );
    sctLogs = chain[1] ? await verifyScts(leaf, chain[1], root.ctlogs) : [];
    const ct = opts.ctlogThreshold ?? 1;
    if (sctLogs.length < ct)
      fail('sct', `the certificate has ${sctLogs.length} verified SCTs, ${ct} required`);
    const identity = signerIdentity(leaf);
    checkIdentity(identity, opts);
    signer = { kind: 'certificate', identity, certificate: leaf, chain };
  } else {
    if (opts.identity !== undefined || opts.issuer !== undefined)
      fail('identity', 'the bundle is signed with a key, which carries no identity');
    signer = {
      kind: 'public-key',
      key: describeKey(key),
      hint: b.material.kind === 'public-key' ? b.material.hint : '',
    };
  }
  const first = timestamps.reduce<Date | null>((a, t) => (a === null || t.time < a ? t.time : a), null);
  return {
    ok: true,
    signer,
    integratedTime: first,
    timestamps,
    tlog,
    sctLogs,
    bundleVersion: b.version,
    content: b.content.kind,
    statement,
  };
}

/**
 * Verifies a Sigstore bundle (JSON text, bytes or object; v0.1–v0.3) for `artifact` (its bytes,
 * or `{ digest: 'sha256:…' }` for DSSE bundles). Returns `{ ok: false, check, reason }` for any
 * failure or malformed input; it never throws.
 */
export async function verifyBundle(
  bundle: unknown,
  artifact: Artifact,
  options: VerifyBundleOptions,
): Promise<BundleVerification> {
  try {
    return await run(bundle, artifact, options);
  } catch (e) {
    return toFailure(e);
  }
}
