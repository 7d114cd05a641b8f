/**
 * The Sigstore trusted root (`trusted_root.json`, protobuf-specs TrustedRoot): Fulcio CAs, Rekor
 * logs, CT logs and timestamp authorities with their validity windows. Parsing validates every
 * entry and returns a list of issues instead of throwing, so a user's own root gets a clear report.
 */
import { bytesEqual, fromBase64 } from './bytes';
import { SignatureError } from './errors';
import { parseSpki, pkcs1ToSpki, type PublicKey } from './keys';
import { parseCertificate, type Certificate } from './x509';

export interface TransparencyLog {
  baseUrl: string;
  hashAlgorithm: string;
  key: PublicKey;
  keyDetails: string;
  logId: Uint8Array;
  /** Rekor v2 logs sign checkpoints under a key id of their own. */
  checkpointKeyId: Uint8Array | null;
  validFrom: Date;
  validUntil: Date | null;
}

export interface CertificateAuthority {
  uri: string;
  subject: { organization?: string; commonName?: string };
  /** Leaf (or intermediate) first, root last, as in the JSON. */
  chain: Certificate[];
  validFrom: Date;
  validUntil: Date | null;
}

export interface TrustedRoot {
  mediaType: string;
  tlogs: TransparencyLog[];
  ctlogs: TransparencyLog[];
  certificateAuthorities: CertificateAuthority[];
  timestampAuthorities: CertificateAuthority[];
}

export type TrustedRootResult =
  { ok: true; root: TrustedRoot; warnings: string[] } | { ok: false; issues: string[] };

/** The largest trusted root accepted (the public-good one is about 9 KB). */
export const MAX_TRUSTED_ROOT_CHARS = 4 * 1024 * 1024;

const MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\+json;version=0\.\d+|\.v0\.\d+\+json)$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function date(v: unknown, where: string, issues: string[], required: boolean): Date | null {
  if (v === undefined && !required) return null;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) {
    issues.push(`${where} ${v === undefined ? 'is missing' : 'is not an RFC 3339 time'}`);
    return null;
  }
  return new Date(t);
}

function validFor(v: unknown, where: string, issues: string[]) {
  const o = isObj(v) ? v : {};
  if (!isObj(v)) issues.push(`${where}.validFor is missing`);
  const validFrom = date(o.start, `${where}.validFor.start`, issues, true) ?? new Date(0);
  const validUntil = date(o.end, `${where}.validFor.end`, issues, false);
  return { validFrom, validUntil };
}

function guard<T>(issues: string[], where: string, f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    issues.push(`${where}: ${e instanceof SignatureError ? e.message : String(e)}`);
    return null;
  }
}

function parseLog(v: unknown, where: string, issues: string[]): TransparencyLog | null {
  if (!isObj(v)) {
    issues.push(`${where} is not an object`);
    return null;
  }
  const pk = isObj(v.publicKey) ? v.publicKey : null;
  if (!pk) {
    issues.push(`${where}.publicKey is missing`);
    return null;
  }
  const keyDetails = typeof pk.keyDetails === 'string' ? pk.keyDetails : '';
  const key = guard(issues, `${where}.publicKey`, () => {
    const bytes = fromBase64(pk.rawBytes, 'rawBytes', 'trusted-root');
    return parseSpki(keyDetails.startsWith('PKCS1_') ? pkcs1ToSpki(bytes) : bytes, 'log key', 'trusted-root');
  });
  const logId = guard(issues, `${where}.logId.keyId`, () =>
    fromBase64(isObj(v.logId) ? v.logId.keyId : undefined, 'keyId', 'trusted-root'),
  );
  const cp = isObj(v.checkpointKeyId) ? v.checkpointKeyId.keyId : undefined;
  const checkpointKeyId =
    cp === undefined
      ? null
      : guard(issues, `${where}.checkpointKeyId`, () => fromBase64(cp, 'keyId', 'trusted-root'));
  const { validFrom, validUntil } = validFor(pk.validFor, `${where}.publicKey`, issues);
  if (typeof v.baseUrl !== 'string') issues.push(`${where}.baseUrl is missing`);
  if (!key || !logId) return null;
  return {
    baseUrl: typeof v.baseUrl === 'string' ? v.baseUrl : '',
    hashAlgorithm: typeof v.hashAlgorithm === 'string' ? v.hashAlgorithm : 'SHA2_256',
    key,
    keyDetails,
    logId,
    checkpointKeyId,
    validFrom,
    validUntil,
  };
}

function parseCa(v: unknown, where: string, issues: string[]): CertificateAuthority | null {
  if (!isObj(v)) {
    issues.push(`${where} is not an object`);
    return null;
  }
  const certs =
    isObj(v.certChain) && Array.isArray(v.certChain.certificates) ? v.certChain.certificates : null;
  if (!certs || certs.length === 0) {
    issues.push(`${where}.certChain.certificates is missing or empty`);
    return null;
  }
  const chain: Certificate[] = [];
  for (const [i, c] of certs.entries()) {
    const cert = guard(issues, `${where}.certChain.certificates[${i}]`, () =>
      parseCertificate(fromBase64(isObj(c) ? c.rawBytes : undefined, 'rawBytes', 'trusted-root')),
    );
    if (cert) chain.push(cert);
  }
  const { validFrom, validUntil } = validFor(v.validFor, where, issues);
  const subject = isObj(v.subject) ? v.subject : {};
  if (chain.length !== certs.length) return null;
  return {
    uri: typeof v.uri === 'string' ? v.uri : '',
    subject: {
      organization: typeof subject.organization === 'string' ? subject.organization : undefined,
      commonName: typeof subject.commonName === 'string' ? subject.commonName : undefined,
    },
    chain,
    validFrom,
    validUntil,
  };
}

/**
 * Parses and validates a trusted root given as JSON text or a parsed object. Every problem is
 * listed with its JSON path; a root with any problem is refused, since a half-read root would
 * silently weaken verification.
 */
export function parseTrustedRoot(input: unknown): TrustedRootResult {
  let json: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_TRUSTED_ROOT_CHARS)
      return {
        ok: false,
        issues: [`the trusted root is ${input.length} characters, more than ${MAX_TRUSTED_ROOT_CHARS}`],
      };
    try {
      json = JSON.parse(input);
    } catch (e) {
      return { ok: false, issues: [`the trusted root is not JSON: ${(e as Error).message}`] };
    }
  }
  if (!isObj(json)) return { ok: false, issues: ['the trusted root is not a JSON object'] };
  const issues: string[] = [];
  const warnings: string[] = [];
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : '';
  if (!MEDIA_TYPE.test(mediaType))
    issues.push(`mediaType ${JSON.stringify(json.mediaType)} is not a Sigstore trusted root media type`);
  const list = <T>(key: string, parse: (v: unknown, where: string, issues: string[]) => T | null): T[] => {
    const v = json[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      issues.push(`${key} is not an array`);
      return [];
    }
    if (v.length > 1000) {
      issues.push(`${key} has ${v.length} entries`);
      return [];
    }
    return v.map((e, i) => parse(e, `${key}[${i}]`, issues)).filter((e): e is T => e !== null);
  };
  const root: TrustedRoot = {
    mediaType,
    tlogs: list('tlogs', parseLog),
    ctlogs: list('ctlogs', parseLog),
    certificateAuthorities: list('certificateAuthorities', parseCa),
    timestampAuthorities: list('timestampAuthorities', parseCa),
  };
  if (root.tlogs.length === 0 && root.timestampAuthorities.length === 0)
    warnings.push(
      'no transparency logs and no timestamp authorities: only key-based signatures without timestamps can be checked',
    );
  if (root.certificateAuthorities.length === 0)
    warnings.push('no certificate authorities: keyless signatures cannot be verified');
  return issues.length ? { ok: false, issues } : { ok: true, root, warnings };
}

/** Logs whose id is `logId` and whose key was valid at `at`. */
export function logsFor(logs: TransparencyLog[], logId: Uint8Array, at: Date | null): TransparencyLog[] {
  return logs.filter(
    (l) =>
      (bytesEqual(l.logId, logId) || (l.checkpointKeyId !== null && bytesEqual(l.checkpointKeyId, logId))) &&
      (at === null || (l.validFrom <= at && (l.validUntil === null || at <= l.validUntil))),
  );
}

/** Authorities whose validity window contains `at`. */
export function authoritiesAt(cas: CertificateAuthority[], at: Date): CertificateAuthority[] {
  return cas.filter((c) => c.validFrom <= at && (c.validUntil === null || at <= c.validUntil));
}
