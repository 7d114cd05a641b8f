/**
 * cosign's registry formats as pure functions over fetched bytes: the `sha256-<hex>.sig` image whose
 * simple-signing layers carry signature, certificate, chain and Rekor-bundle annotations (cosign
 * `specs/SIGNATURE_SPEC.md`), and Sigstore bundles attached as OCI referrers (cosign v3). Each
 * signature becomes a SignatureRecord saying what was proven, as sigstore-rs `SignatureLayer` does.
 */
import { MT } from '../common';
import { digest, fromBase64, fromHex, fromUtf8, toHex } from './bytes';
import { parseBundle } from './bundle';
import { pae } from './dsse';
import { certKey, iso } from './chain';
import { fail, toFailure, type Failure } from './errors';
import { signerIdentity, type SignerIdentity } from './identity';
import { verifySignature, type PublicKey } from './keys';
import { parsePem } from './pem';
import { verifyScts } from './sct';
import { setPayload } from './tlog';
import { sameSigner, verifyTlogBody, type LoggedSigner } from './tlog-body';
import { logsFor, type TrustedRoot } from './trusted-root';
import { checkCertificate, verifyBundle } from './verify-bundle';
import { parseCertificate, type Certificate } from './x509';

/** Layer annotations cosign writes (the code uses `dev.sigstore.cosign/…`, the spec prose `dev.cosignproject…`). */
export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** The payload type cosign writes (sigstore/sigstore `pkg/signature/payload`). */
export const COSIGN_PAYLOAD_TYPE = 'cosign container image signature';

/** One signature found for a subject, with what has been proven about it. */
export interface SignatureRecord {
  source: 'cosign-tag' | 'sigstore-bundle';
  /** The layer (or bundle blob) digest it came from. */
  where: string;
  subjectDigest: string;
  /** What was signed (the simple-signing payload, or the DSSE PAE) and the signature. */
  signedBytes: Uint8Array;
  signature: Uint8Array;
  /** `optional` of the simple-signing payload without `creator` and `timestamp` (cosign `-a` annotations). */
  annotations: Record<string, unknown> | null;
  /** A verified Rekor entry (SET, body matching this signature). */
  rekor: { integratedTime: Date; logIndex: bigint; logId: string; signer: LoggedSigner } | null;
  /** The signing certificate; `trusted` once chain, SCT, Rekor time and signature all verified. */
  certificate: {
    leaf: Certificate;
    identity: SignerIdentity;
    trusted: boolean;
    problem: string | null;
  } | null;
  /** Why the record cannot be used at all (sigstore-rs skips such layers); null when usable. */
  problem: string | null;
  /** The bundle bytes of a referrer, re-verified once a key is given. */
  bundle: Uint8Array | null;
}

export interface ReadOptions {
  /** The digest of the manifest the signatures are about (`sha256:…`). */
  subjectDigest: string;
  trustedRoot: TrustedRoot;
  now?: Date;
}

/** Looks up a blob by digest: a Map or a function. */
export type BlobSource = Map<string, Uint8Array> | ((digest: string) => Uint8Array | undefined);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Checks the simple-signing payload and returns its annotations. */
function readPayload(blob: Uint8Array, subjectDigest: string): Record<string, unknown> | null {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(blob, 'the simple-signing payload', 'payload'));
  } catch (e) {
    fail('payload', `the simple-signing payload is not JSON: ${errText(e).slice(0, 120)}`);
  }
  const critical = isObj(json) && isObj(json.critical) ? json.critical : null;
  if (!critical) fail('payload', 'the simple-signing payload has no critical section');
  const signed = isObj(critical.image) ? critical.image['docker-manifest-digest'] : undefined;
  if (signed !== subjectDigest)
    fail('payload', `the payload signs ${JSON.stringify(signed)}, not ${subjectDigest}`);
  if (critical.type !== COSIGN_PAYLOAD_TYPE)
    fail('payload', `the payload type is ${JSON.stringify(critical.type)}, not "${COSIGN_PAYLOAD_TYPE}"`);
  const optional = isObj(json) && isObj(json.optional) ? { ...json.optional } : null;
  if (optional) {
    delete optional.creator;
    delete optional.timestamp;
  }
  return optional;
}

/** Verifies cosign's Rekor bundle annotation: the SET, then the body against this very signature. */
async function readRekorBundle(
  text: string,
  payload: Uint8Array,
  signature: Uint8Array,
  root: TrustedRoot,
  now: Date,
) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail('tlog', 'the Rekor bundle annotation is not JSON');
  }
  const p = isObj(json) && isObj(json.Payload) ? json.Payload : null;
  if (!p || !isObj(json)) fail('tlog', 'the Rekor bundle annotation has no Payload');
  const logId = typeof p.logID === 'string' ? fromHex(p.logID) : null;
  if (!logId || !Number.isSafeInteger(p.integratedTime) || !Number.isSafeInteger(p.logIndex))
    fail('tlog', 'the Rekor bundle payload is malformed');
  const entry = {
    canonicalizedBody: fromBase64(p.body, 'the Rekor bundle body', 'tlog'),
    integratedTime: p.integratedTime as number,
    logIndex: BigInt(p.logIndex as number),
    logId,
  };
  const integratedTime = new Date(entry.integratedTime * 1000);
  if (integratedTime > now) fail('tlog', `the Rekor integrated time ${iso(integratedTime)} is in the future`);
  const logs = logsFor(root.tlogs, logId, integratedTime);
  if (logs.length === 0)
    fail(
      'tlog',
      `the Rekor bundle is from log ${p.logID}, which the trusted root does not list for ${iso(integratedTime)}`,
    );
  const set = fromBase64(json.SignedEntryTimestamp, 'the signed entry timestamp', 'tlog');
  let ok = false;
  for (const log of logs) if (await verifySignature(log.key, setPayload(entry), set)) ok = true;
  if (!ok) fail('tlog', 'the Rekor signed entry timestamp does not verify');
  let body: unknown;
  try {
    body = JSON.parse(fromUtf8(entry.canonicalizedBody, 'the Rekor body', 'tlog'));
  } catch {
    fail('tlog', 'the Rekor body is not JSON');
  }
  const kind = isObj(body) ? String(body.kind) : '';
  const version = isObj(body) ? String(body.apiVersion) : '';
  const signer = await verifyTlogBody(
    { kind, version, canonicalizedBody: entry.canonicalizedBody },
    { kind: 'message', algorithm: 'SHA2_256', digest: await digest('SHA-256', payload), signature },
    null,
  );
  return { integratedTime, logIndex: entry.logIndex, logId: toHex(logId), signer };
}

async function keyless(
  record: SignatureRecord,
  certPem: string,
  root: TrustedRoot,
): Promise<SignatureRecord['certificate']> {
  let leaf: Certificate;
  try {
    leaf = parseCertificate(
      parsePem(certPem, 'the certificate annotation', 'certificate')[0]!.der,
      'the certificate annotation',
    );
  } catch {
    return null; // an unreadable certificate is ignored, as sigstore-rs ignores unverifiable ones
  }
  const identity = signerIdentity(leaf);
  const out = { leaf, identity, trusted: false, problem: null as string | null };
  try {
    if (!record.rekor) fail('tlog', 'the certificate cannot be trusted without a verified Rekor bundle');
    sameSigner(record.rekor.signer, { certificate: leaf.der });
    if (!(await verifySignature(certKey(leaf), record.signedBytes, record.signature)))
      fail('signature', "the signature does not verify with the certificate's key");
    const chain = await checkCertificate(leaf, [record.rekor.integratedTime], root);
    if (!chain[1] || (await verifyScts(leaf, chain[1], root.ctlogs)).length === 0)
      fail('sct', 'the certificate has no verified SCT');
    out.trusted = true;
  } catch (e) {
    out.problem = toFailure(e).reason;
  }
  return out;
}

/** A record with nothing proven yet. */
function emptyRecord(
  source: SignatureRecord['source'],
  where: string,
  subjectDigest: string,
): SignatureRecord {
  const none = new Uint8Array();
  return {
    source,
    where,
    subjectDigest,
    signedBytes: none,
    signature: none,
    annotations: null,
    rekor: null,
    certificate: null,
    problem: null,
    bundle: null,
  };
}

function blobOf(blobs: BlobSource, d: string): Uint8Array | undefined {
  return blobs instanceof Map ? blobs.get(d) : blobs(d);
}

async function readLayer(
  layer: unknown,
  i: number,
  blobs: BlobSource,
  opts: ReadOptions,
): Promise<SignatureRecord> {
  const d = isObj(layer) ? layer : {};
  const where = typeof d.digest === 'string' ? d.digest : `layers[${i}]`;
  const annotations = isObj(d.annotations) ? d.annotations : {};
  const record = emptyRecord('cosign-tag', where, opts.subjectDigest);
  try {
    if (d.mediaType !== MT.cosignSimpleSigning)
      fail('payload', `layer media type ${JSON.stringify(d.mediaType)} is not cosign simple signing`);
    const blob = blobOf(blobs, where);
    if (!blob) fail('payload', 'the layer blob was not fetched');
    if (`sha256:${toHex(await digest('SHA-256', blob))}` !== where)
      fail('payload', 'the layer blob does not match its digest');
    record.signedBytes = blob;
    record.annotations = readPayload(blob, opts.subjectDigest);
    record.signature = fromBase64(
      annotations[COSIGN_ANNOTATIONS.signature],
      'the signature annotation',
      'signature',
    );
    const now = opts.now ?? new Date();
    if (typeof annotations[COSIGN_ANNOTATIONS.bundle] === 'string') {
      record.rekor = await readRekorBundle(
        annotations[COSIGN_ANNOTATIONS.bundle] as string,
        blob,
        record.signature,
        opts.trustedRoot,
        now,
      );
    }
    if (typeof annotations[COSIGN_ANNOTATIONS.certificate] === 'string') {
      record.certificate = await keyless(
        record,
        annotations[COSIGN_ANNOTATIONS.certificate] as string,
        opts.trustedRoot,
      );
    }
  } catch (e) {
    record.problem = toFailure(e).reason;
  }
  return record;
}

/**
 * Reads every signature of a cosign `.sig` manifest (parsed JSON or text) whose layer blobs are in
 * `blobs`. Never throws: an unreadable manifest is a Failure, an unusable layer a record with a problem.
 */
export async function readCosignSignatures(
  manifest: unknown,
  blobs: BlobSource,
  opts: ReadOptions,
): Promise<{ ok: true; records: SignatureRecord[] } | Failure> {
  try {
    const m = typeof manifest === 'string' ? (JSON.parse(manifest) as unknown) : manifest;
    if (!isObj(m) || !Array.isArray(m.layers)) fail('payload', 'the signature manifest has no layers');
    if (m.layers.length > 1000) fail('payload', `the signature manifest has ${m.layers.length} layers`);
    const records: SignatureRecord[] = [];
    for (const [i, l] of m.layers.entries()) records.push(await readLayer(l, i, blobs, opts));
    return { ok: true, records };
  } catch (e) {
    return toFailure(e, 'payload');
  }
}

/**
 * The layers of a referrer manifest that hold Sigstore bundles (any bundle media type version), with the size a
 * registry client needs to fetch and check each blob.
 */
export function bundleLayers(manifest: unknown): { digest: string; mediaType: string; size: number }[] {
  const m = isObj(manifest) ? manifest : {};
  const layers = Array.isArray(m.layers) ? m.layers.slice(0, 100) : [];
  return layers
    .filter(
      (l): l is Obj =>
        isObj(l) &&
        typeof l.digest === 'string' &&
        typeof l.mediaType === 'string' &&
        Number.isSafeInteger(l.size) &&
        (l.size as number) >= 0 &&
        l.mediaType.startsWith(MT.sigstoreBundlePrefix),
    )
    .map((l) => ({ digest: l.digest as string, mediaType: l.mediaType as string, size: l.size as number }));
}

/** Reads one Sigstore bundle referrer of `opts.subjectDigest` into a SignatureRecord. */
export async function readBundleSignature(
  bundleBytes: Uint8Array,
  where: string,
  opts: ReadOptions,
): Promise<SignatureRecord> {
  const record = emptyRecord('sigstore-bundle', where, opts.subjectDigest);
  try {
    const b = parseBundle(bundleBytes);
    if (b.content.kind !== 'dsse')
      fail(
        'bundle',
        'a message-signature bundle needs the manifest bytes; only DSSE bundles are read from referrers',
      );
    record.signedBytes = pae(b.content.payloadType, b.content.payload);
    record.signature = b.content.signature;
    record.bundle = bundleBytes;
    if (b.material.kind === 'certificate') {
      const leaf = b.material.certificates[0]!;
      const r = await verifyBundle(
        bundleBytes,
        { digest: opts.subjectDigest },
        { trustedRoot: opts.trustedRoot, now: opts.now },
      );
      const cert = { leaf, identity: signerIdentity(leaf), trusted: r.ok, problem: r.ok ? null : r.reason };
      record.certificate = cert;
      if (!r.ok && !['chain', 'sct', 'certificate', 'identity', 'timestamp'].includes(r.check))
        record.problem = r.reason;
      if (r.ok && r.tlog[0])
        record.rekor = {
          integratedTime: r.integratedTime!,
          logIndex: r.tlog[0].logIndex,
          logId: r.tlog[0].logId,
          signer: { kind: 'certificate', der: leaf.der },
        };
    }
  } catch (e) {
    record.problem = toFailure(e).reason;
  }
  return record;
}

/** Whether `key` made this signature (and, when a Rekor entry exists, is the key it recorded). */
export async function signedByKey(
  record: SignatureRecord,
  key: PublicKey,
  opts: Omit<ReadOptions, 'subjectDigest'>,
): Promise<boolean> {
  if (record.problem) return false;
  if (record.source === 'sigstore-bundle' && record.bundle && !record.certificate) {
    const r = await verifyBundle(
      record.bundle,
      { digest: record.subjectDigest },
      { trustedRoot: opts.trustedRoot, now: opts.now, publicKey: key },
    );
    return r.ok;
  }
  if (!(await verifySignature(key, record.signedBytes, record.signature))) return false;
  if (record.rekor && record.rekor.signer.kind === 'key') {
    try {
      sameSigner(record.rekor.signer, { spki: key.spki });
    } catch {
      return false;
    }
  }
  return true;
}
