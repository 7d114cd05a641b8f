/**
 * Sigstore bundles (protobuf-specs `Bundle`, JSON form), media types v0.1, v0.2 and v0.3: parsed
 * into plain bytes and checked for the fields each version requires (sigstore-js `@sigstore/bundle`
 * `validate.ts`): v0.1 needs inclusion promises, v0.2+ inclusion proofs with checkpoints, v0.3 a
 * single certificate rather than a chain.
 */
import { fromBase64 } from './bytes';
import { fail } from './errors';
import { parseCertificate, type Certificate } from './x509';

export type BundleVersion = '0.1' | '0.2' | '0.3';

export interface InclusionProof {
  logIndex: bigint;
  rootHash: Uint8Array;
  treeSize: bigint;
  hashes: Uint8Array[];
  checkpoint: string;
}

export interface TlogEntry {
  logIndex: bigint;
  logId: Uint8Array;
  kind: string;
  version: string;
  /** Seconds since the epoch; 0 when absent (Rekor v2 entries carry none). */
  integratedTime: number;
  inclusionPromise: Uint8Array | null;
  inclusionProof: InclusionProof | null;
  canonicalizedBody: Uint8Array;
}

export type BundleContent =
  | { kind: 'message'; algorithm: string; digest: Uint8Array; signature: Uint8Array }
  | { kind: 'dsse'; payloadType: string; payload: Uint8Array; signature: Uint8Array };

export type VerificationMaterial =
  { kind: 'certificate'; certificates: Certificate[] } | { kind: 'public-key'; hint: string };

export interface Bundle {
  mediaType: string;
  version: BundleVersion;
  content: BundleContent;
  material: VerificationMaterial;
  tlogEntries: TlogEntry[];
  /** RFC 3161 timestamp responses (or bare tokens), DER. */
  timestamps: Uint8Array[];
}

/** The largest bundle JSON accepted; DSSE payloads make bundles grow, 32 MiB is far beyond real ones. */
export const MAX_BUNDLE_CHARS = 32 * 1024 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) fail('bundle', `${where} is missing or not an object`);
  return v;
}

function arr(v: unknown, where: string, max = 1000): unknown[] {
  if (!Array.isArray(v)) fail('bundle', `${where} is missing or not an array`);
  if (v.length > max) fail('bundle', `${where} has ${v.length} entries, more than ${max}`);
  return v;
}

function int64(v: unknown, where: string, required = true): bigint {
  if (v === undefined && !required) return 0n;
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== 'string' || !/^\d{1,19}$/.test(s))
    fail('bundle', `${where} is not a non-negative integer`);
  return BigInt(s);
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') fail('bundle', `${where} is missing or not a string`);
  return v;
}

const b64 = (v: unknown, where: string) => fromBase64(v, where, 'bundle');

/** Works out the bundle version from its media type. */
export function bundleVersion(mediaType: unknown): BundleVersion {
  const m =
    typeof mediaType === 'string'
      ? /^application\/vnd\.dev\.sigstore\.bundle(?:\+json;version=(0\.[123])|\.v(0\.3)\+json)$/.exec(
          mediaType,
        )
      : null;
  if (!m)
    fail(
      'bundle',
      `mediaType ${JSON.stringify(mediaType)?.slice(0, 100)} is not a Sigstore bundle media type (v0.1, v0.2 or v0.3)`,
    );
  return (m[1] ?? m[2]) as BundleVersion;
}

function parseEntry(v: unknown, where: string): TlogEntry {
  const e = obj(v, where);
  const kv = obj(e.kindVersion, `${where}.kindVersion`);
  const promise =
    e.inclusionPromise === undefined ? null : obj(e.inclusionPromise, `${where}.inclusionPromise`);
  const proof = e.inclusionProof === undefined ? null : obj(e.inclusionProof, `${where}.inclusionProof`);
  const it = int64(e.integratedTime, `${where}.integratedTime`, false);
  if (it > BigInt(Number.MAX_SAFE_INTEGER)) fail('bundle', `${where}.integratedTime is out of range`);
  return {
    logIndex: int64(e.logIndex, `${where}.logIndex`),
    logId: b64(obj(e.logId, `${where}.logId`).keyId, `${where}.logId.keyId`),
    kind: str(kv.kind, `${where}.kindVersion.kind`),
    version: str(kv.version, `${where}.kindVersion.version`),
    integratedTime: Number(it),
    inclusionPromise: promise
      ? b64(promise.signedEntryTimestamp, `${where}.inclusionPromise.signedEntryTimestamp`)
      : null,
    inclusionProof: proof
      ? {
          logIndex: int64(proof.logIndex, `${where}.inclusionProof.logIndex`),
          rootHash: b64(proof.rootHash, `${where}.inclusionProof.rootHash`),
          treeSize: int64(proof.treeSize, `${where}.inclusionProof.treeSize`),
          hashes: arr(proof.hashes ?? [], `${where}.inclusionProof.hashes`, 64).map((h, i) =>
            b64(h, `${where}.inclusionProof.hashes[${i}]`),
          ),
          checkpoint: str(
            obj(proof.checkpoint, `${where}.inclusionProof.checkpoint`).envelope,
            `${where}.inclusionProof.checkpoint.envelope`,
          ),
        }
      : null,
    canonicalizedBody: b64(e.canonicalizedBody, `${where}.canonicalizedBody`),
  };
}

function parseContent(b: Obj): BundleContent {
  if (b.messageSignature !== undefined && b.dsseEnvelope !== undefined)
    fail('bundle', 'the bundle has both messageSignature and dsseEnvelope');
  if (b.messageSignature !== undefined) {
    const m = obj(b.messageSignature, 'messageSignature');
    const md = obj(m.messageDigest, 'messageSignature.messageDigest');
    const digest = b64(md.digest, 'messageSignature.messageDigest.digest');
    const signature = b64(m.signature, 'messageSignature.signature');
    if (digest.length === 0) fail('bundle', 'messageSignature.messageDigest.digest is empty');
    if (signature.length === 0) fail('bundle', 'messageSignature.signature is empty');
    return {
      kind: 'message',
      algorithm: typeof md.algorithm === 'string' ? md.algorithm : 'SHA2_256',
      digest,
      signature,
    };
  }
  if (b.dsseEnvelope !== undefined) {
    const d = obj(b.dsseEnvelope, 'dsseEnvelope');
    const sigs = arr(d.signatures, 'dsseEnvelope.signatures');
    if (sigs.length !== 1)
      fail('bundle', `dsseEnvelope has ${sigs.length} signatures; a bundle carries exactly one`);
    const payload = b64(d.payload, 'dsseEnvelope.payload');
    if (payload.length === 0) fail('bundle', 'dsseEnvelope.payload is empty');
    const signature = b64(obj(sigs[0], 'dsseEnvelope.signatures[0]').sig, 'dsseEnvelope.signatures[0].sig');
    if (signature.length === 0) fail('bundle', 'dsseEnvelope.signatures[0].sig is empty');
    return { kind: 'dsse', payloadType: str(d.payloadType, 'dsseEnvelope.payloadType'), payload, signature };
  }
  fail('bundle', 'the bundle has neither messageSignature nor dsseEnvelope');
}

function parseMaterial(vm: Obj, version: BundleVersion): VerificationMaterial {
  const cert = (v: unknown, where: string) =>
    parseCertificate(b64(obj(v, where).rawBytes, `${where}.rawBytes`), where);
  if (vm.certificate !== undefined)
    return { kind: 'certificate', certificates: [cert(vm.certificate, 'verificationMaterial.certificate')] };
  if (vm.x509CertificateChain !== undefined) {
    if (version === '0.3')
      fail('bundle', 'a v0.3 bundle must carry a single certificate, not x509CertificateChain');
    const certs = arr(
      obj(vm.x509CertificateChain, 'x509CertificateChain').certificates,
      'x509CertificateChain.certificates',
      10,
    );
    if (certs.length === 0) fail('bundle', 'x509CertificateChain.certificates is empty');
    return {
      kind: 'certificate',
      certificates: certs.map((c, i) => cert(c, `x509CertificateChain.certificates[${i}]`)),
    };
  }
  if (vm.publicKey !== undefined) {
    const hint = obj(vm.publicKey, 'verificationMaterial.publicKey').hint;
    return { kind: 'public-key', hint: typeof hint === 'string' ? hint : '' };
  }
  fail('bundle', 'verificationMaterial has no certificate, x509CertificateChain or publicKey');
}

/** Parses a bundle from JSON text or an already parsed object; fails with the `bundle` check. */
export function parseBundle(input: unknown): Bundle {
  let json = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    if (text.length > MAX_BUNDLE_CHARS)
      fail('bundle', `the bundle is ${text.length} characters, more than ${MAX_BUNDLE_CHARS}`);
    try {
      json = JSON.parse(text);
    } catch (e) {
      fail('bundle', `the bundle is not JSON: ${(e as Error).message.slice(0, 200)}`);
    }
  }
  const b = obj(json, 'the bundle');
  const version = bundleVersion(b.mediaType);
  const vm = obj(b.verificationMaterial, 'verificationMaterial');
  const tlogEntries = arr(vm.tlogEntries ?? [], 'verificationMaterial.tlogEntries', 16).map((e, i) =>
    parseEntry(e, `tlogEntries[${i}]`),
  );
  for (const [i, e] of tlogEntries.entries()) {
    if (version === '0.1' && !e.inclusionPromise)
      fail('bundle', `tlogEntries[${i}] has no inclusionPromise, which a v0.1 bundle requires`);
    if (version !== '0.1' && !e.inclusionProof)
      fail('bundle', `tlogEntries[${i}] has no inclusionProof, which a v${version} bundle requires`);
  }
  const tvd =
    vm.timestampVerificationData === undefined
      ? {}
      : obj(vm.timestampVerificationData, 'timestampVerificationData');
  const timestamps = arr(tvd.rfc3161Timestamps ?? [], 'rfc3161Timestamps', 16).map((t, i) =>
    b64(obj(t, `rfc3161Timestamps[${i}]`).signedTimestamp, `rfc3161Timestamps[${i}].signedTimestamp`),
  );
  return {
    mediaType: b.mediaType as string,
    version,
    content: parseContent(b),
    material: parseMaterial(vm, version),
    tlogEntries,
    timestamps,
  };
}
