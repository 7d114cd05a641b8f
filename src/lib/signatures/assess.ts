/**
 * Turns the signatures fetched for one manifest into what the user is told: each signature verified (who signed —
 * identity and issuer, or key — and when) or not (and why), one overall status, and, with a Kubewarden
 * verification config, policy-server's decision. Pure over plain data (fetched bytes, texts the user gave), so it
 * runs in a Web Worker — WebCrypto verification blocks Chromium's main thread — and again whenever the inputs change.
 */
import { parseBundle } from './bundle';
import { readBundleSignature, readCosignSignatures, signedByKey, type SignatureRecord } from './cosign';
import { digest, toHex } from './bytes';
import { parseStatement } from './dsse';
import { describeKey, parsePublicKeyPem, type PublicKey } from './keys';
import { evaluateVerificationConfig, type PolicyDecision } from './policy';
import { publicGoodTrustedRoot } from './public-good';
import { parseTrustedRoot, type TrustedRoot } from './trusted-root';
import { parseVerificationConfig, type VerificationConfig } from './verification-config';
import { verifyBundle } from './verify-bundle';

/** kwctl inspect's words when a policy has no signatures (crates/kwctl/src/inspect.rs). */
export const NO_SIGNATURES = 'No sigstore signatures found';

/** What was fetched from a registry for one manifest (see src/state/signature-lookup.ts); plain, cloneable data. */
export interface FetchedSignatures {
  /** cosign's `.sig` manifest, its layer blobs, and why a blob is missing; null when the tag does not exist. */
  cosign: {
    reference: string;
    manifest: unknown;
    blobs: Map<string, Uint8Array>;
    blobProblems: Map<string, string>;
  } | null;
  /** Sigstore-bundle referrer blobs (`referrer` is `registry/repository@<digest>`). */
  bundles: { referrer: string; layer: string; bytes: Uint8Array | null; problem: string | null }[];
  /** Signature referrers that are not Sigstore bundles. */
  others: { referrer: string; type: string }[];
  /** What could not be read while something else was found. */
  notes: string[];
}

/** The predicate type of a cosign v3 image signature; other DSSE bundles are attestations. */
export const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

/** What the user gave, parsed; empty strings and nulls mean "not given". */
interface VerificationInputs {
  publicKey: PublicKey | null;
  /** How the key is shown, e.g. `ECDSA P-256 key sha256:1a2b3c4d…`. */
  keyLabel: string;
  identity: string;
  issuer: string;
  config: VerificationConfig | null;
}

export type Signer =
  { kind: 'identity'; identity: string; issuer: string | null } | { kind: 'key'; key: string };

/** One signature (or attestation, or unverifiable referrer) found for the manifest. */
export interface SignatureView {
  source: 'cosign-tag' | 'sigstore-bundle' | 'other';
  /** The manifest it lives in, as a reference the Artifacts view opens. */
  container: string;
  /** The layer or blob digest. */
  where: string;
  /** Set for DSSE bundles that attest something else than a signature (SBOM, provenance). */
  attestation: string | null;
  verified: boolean;
  /** Who signed, when verified. */
  signer: Signer | null;
  /** Who the certificate names, verified or not. */
  claimed: { identity: string | null; issuer: string | null } | null;
  /** Why it is not verified; null when verified. */
  reason: string | null;
  /** The Rekor integrated time (verified), or null. */
  signedAt: Date | null;
  logIndex: string | null;
  /** cosign `-a` annotations of the signed payload. */
  annotations: Record<string, unknown> | null;
}

export interface Assessment {
  state: 'verified' | 'not-verified' | 'unsigned';
  /** One line: who signed and when, why not, or kwctl's "No sigstore signatures found". */
  summary: string;
  signatures: SignatureView[];
  /** policy-server's decision under the user's verification config, when one is loaded. */
  decision: PolicyDecision | null;
  notes: string[];
}

interface Sourced {
  record: SignatureRecord;
  container: string;
  attestation: string | null;
}

/** `2026-06-01 12:00:00 UTC`: exact and the same in every locale. */
export const formatTime = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const blank = (source: SignatureView['source'], container: string, where: string, reason: string) =>
  ({
    source,
    container,
    where,
    attestation: null,
    verified: false,
    signer: null,
    claimed: null,
    reason,
    signedAt: null,
    logIndex: null,
    annotations: null,
  }) satisfies SignatureView;

/** The predicate type of a DSSE bundle other than a signature's, or null. */
function attestationType(bytes: Uint8Array): string | null {
  try {
    const b = parseBundle(bytes);
    if (b.content.kind !== 'dsse') return null;
    const t = parseStatement(b.content.payloadType, b.content.payload).predicateType;
    return t === SIGN_PREDICATE ? null : t;
  } catch {
    return null; // an unreadable bundle gets its reason from readBundleSignature
  }
}

/** Reads every fetched signature into records; what cannot become a record is returned as a view. */
async function readRecords(
  lookup: FetchedSignatures,
  subjectDigest: string,
  trustedRoot: TrustedRoot,
  now: Date,
): Promise<{ records: Sourced[]; unreadable: SignatureView[] }> {
  const records: Sourced[] = [];
  const unreadable: SignatureView[] = [];
  const opts = { subjectDigest, trustedRoot, now };
  if (lookup.cosign) {
    const { reference, manifest, blobs, blobProblems } = lookup.cosign;
    const r = await readCosignSignatures(manifest, blobs, opts);
    if (!r.ok)
      unreadable.push(blank('cosign-tag', reference, reference, `the signature manifest: ${r.reason}`));
    else
      for (const record of r.records) {
        const missing = blobProblems.get(record.where);
        if (missing && record.problem === 'the layer blob was not fetched')
          record.problem = `the layer: ${missing}`;
        records.push({ record, container: reference, attestation: null });
      }
  }
  for (const b of lookup.bundles) {
    if (!b.bytes) {
      unreadable.push(
        blank('sigstore-bundle', b.referrer, b.layer, b.problem ?? 'the bundle was not fetched'),
      );
      continue;
    }
    const record = await readBundleSignature(b.bytes, b.layer, opts);
    records.push({ record, container: b.referrer, attestation: attestationType(b.bytes) });
  }
  for (const o of lookup.others)
    unreadable.push(
      blank(
        'other',
        o.referrer,
        o.referrer,
        `a signature of type ${o.type}: Wasmlens verifies Sigstore signatures only`,
      ),
    );
  return { records, unreadable };
}

type Verdict = { signer: Signer; signedAt: Date | null } | { reason: string };

async function judge(
  r: SignatureRecord,
  inputs: VerificationInputs,
  trustedRoot: TrustedRoot,
  now: Date,
): Promise<Verdict> {
  if (r.problem) return { reason: r.problem };
  const signedAt = r.rekor?.integratedTime ?? null;
  if (r.certificate) {
    const { subjectAlternativeName: san, issuer } = r.certificate.identity;
    if (!r.certificate.trusted) return { reason: r.certificate.problem ?? 'the certificate is not trusted' };
    if (inputs.identity && san !== inputs.identity)
      return {
        reason: `signed by ${JSON.stringify(san)}, not the expected identity ${JSON.stringify(inputs.identity)}`,
      };
    if (inputs.issuer && issuer !== inputs.issuer)
      return {
        reason: `the OIDC issuer is ${JSON.stringify(issuer)}, not the expected ${JSON.stringify(inputs.issuer)}`,
      };
    return {
      signer: { kind: 'identity', identity: san ?? '(no subject alternative name)', issuer },
      signedAt,
    };
  }
  const key = inputs.publicKey;
  if (!key) return { reason: 'signed with a key: give its public key to verify it' };
  if (r.source === 'sigstore-bundle' && r.bundle) {
    const v = await verifyBundle(r.bundle, { digest: r.subjectDigest }, { trustedRoot, publicKey: key, now });
    return v.ok
      ? { signer: { kind: 'key', key: inputs.keyLabel }, signedAt: v.integratedTime }
      : { reason: v.reason };
  }
  if (!(await signedByKey(r, key, { trustedRoot, now })))
    return { reason: `the signature does not verify with the given ${inputs.keyLabel}` };
  return { signer: { kind: 'key', key: inputs.keyLabel }, signedAt };
}

function describeSigner(s: Signer, at: Date | null): string {
  const who =
    s.kind === 'identity' ? `${s.identity}${s.issuer ? ` (issuer ${s.issuer})` : ''}` : `the ${s.key}`;
  return `signed by ${who}${at ? `, logged at ${formatTime(at)}` : ', with no transparency-log time'}`;
}

/** Verifies the records with the user's inputs and sums them up. */
async function assess(
  read: { records: Sourced[]; unreadable: SignatureView[] },
  lookupNotes: string[],
  inputs: VerificationInputs,
  trustedRoot: TrustedRoot,
  now: Date,
): Promise<Assessment> {
  const signatures: SignatureView[] = [];
  for (const { record: r, container, attestation } of read.records) {
    const v = await judge(r, inputs, trustedRoot, now);
    const id = r.certificate?.identity;
    signatures.push({
      source: r.source,
      container,
      where: r.where,
      attestation,
      verified: 'signer' in v,
      signer: 'signer' in v ? v.signer : null,
      claimed: id ? { identity: id.subjectAlternativeName, issuer: id.issuer } : null,
      reason: 'reason' in v ? v.reason : null,
      signedAt: 'signer' in v ? v.signedAt : null,
      logIndex: r.rekor ? String(r.rekor.logIndex) : null,
      annotations: r.annotations,
    });
  }
  signatures.push(...read.unreadable);
  const notes = [...lookupNotes];
  // policy-server reads signatures with sigstore-rs, which knows only cosign's .sig tag (sigstore-rs#533).
  const tagRecords = read.records.filter((s) => s.record.source === 'cosign-tag').map((s) => s.record);
  let decision: PolicyDecision | null = null;
  if (inputs.config) {
    decision = await evaluateVerificationConfig(inputs.config, tagRecords, { trustedRoot, now });
    const skipped = read.records.length - tagRecords.length;
    if (skipped > 0)
      notes.push(
        `policy-server reads only cosign's .sig tag, so the decision leaves out ${skipped} Sigstore bundle referrer(s).`,
      );
  }
  const real = signatures.filter((s) => !s.attestation);
  // The summary names a person or workflow before a bare key: that is the answer an auditor looks for.
  const verified = real
    .filter((s) => s.verified)
    .sort((a, b) => Number(a.signer?.kind === 'key') - Number(b.signer?.kind === 'key'));
  if (verified.length > 0) {
    const more = verified.length > 1 ? ` (and ${verified.length - 1} more)` : '';
    return {
      state: 'verified',
      summary: `Verified: ${describeSigner(verified[0]!.signer!, verified[0]!.signedAt)}${more}`,
      signatures,
      decision,
      notes,
    };
  }
  if (real.length > 0) {
    const more = real.length > 1 ? ` (and ${real.length - 1} more signature(s), none verified)` : '';
    return {
      state: 'not-verified',
      summary: `Signed but not verified: ${real[0]!.reason}${more}`,
      signatures,
      decision,
      notes,
    };
  }
  return { state: 'unsigned', summary: NO_SIGNATURES, signatures, decision, notes };
}

/** One verification as a worker receives it: the fetched data and the user's inputs as text. */
export interface VerifyJob {
  fetched: FetchedSignatures;
  subjectDigest: string;
  /** The user's trusted_root.json, or null for the shipped public-good root. */
  trustedRootJson: string | null;
  publicKeyPem: string;
  identity: string;
  issuer: string;
  configText: string;
  /** The verifier's clock, in ms. */
  now: number;
}

/** What the page sends a signature worker, and what comes back, matched by id. */
export interface VerifyRequest {
  id: number;
  job: VerifyJob;
}
export type VerifyResponse = { id: number; assessment: Assessment } | { id: number; error: string };

/** The last texts parsed, kept so re-verifying many manifests parses each input once. */
const parsed = new Map<string, unknown>();
function once<T>(kind: string, text: string, parse: (text: string) => T): T {
  const key = `${kind}\u0000${text}`;
  if (!parsed.has(key)) {
    for (const k of parsed.keys()) if (k.startsWith(`${kind}\u0000`)) parsed.delete(k);
    parsed.set(key, parse(text));
  }
  return parsed.get(key) as T;
}

/** How a key is shown: `ECDSA P-256 key sha256:1a2b3c4d5e6f7a8b…` (the SPKI digest names which key). */
export async function keyLabel(key: PublicKey): Promise<string> {
  return `${describeKey(key)} key sha256:${toHex(await digest('SHA-256', key.spki)).slice(0, 16)}…`;
}

/**
 * Verifies fetched signatures with the given inputs. Inputs the page already validated are parsed here again
 * (a worker shares no objects with the page); one that does not parse is treated as not given. Never throws.
 */
export async function verifyFetched(job: VerifyJob): Promise<Assessment> {
  const root = job.trustedRootJson
    ? once('root', job.trustedRootJson, (t) => {
        const r = parseTrustedRoot(t);
        return r.ok ? r.root : null;
      })
    : publicGoodTrustedRoot();
  if (!root) throw new Error('the trusted root does not parse');
  const publicKey = job.publicKeyPem
    ? once('key', job.publicKeyPem, (t) => {
        try {
          return parsePublicKeyPem(t);
        } catch {
          return null;
        }
      })
    : null;
  const config = job.configText
    ? once('config', job.configText, (t) => {
        const r = parseVerificationConfig(t);
        return r.ok ? r.config : null;
      })
    : null;
  const inputs: VerificationInputs = {
    publicKey,
    keyLabel: publicKey ? await keyLabel(publicKey) : '',
    identity: job.identity,
    issuer: job.issuer,
    config,
  };
  const now = new Date(job.now);
  const read = await readRecords(job.fetched, job.subjectDigest, root, now);
  return assess(read, job.fetched.notes, inputs, root, now);
}
