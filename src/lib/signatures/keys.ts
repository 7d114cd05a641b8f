/**
 * Public keys for verification with WebCrypto: SPKI and PKCS#1 parsing, the key family and curve,
 * and signature checks that accept the DER-encoded ECDSA signatures Sigstore and cosign write.
 */
import { own, type HashName } from './bytes';
import { TAG, bitsOf, encodeDer, encodeOid, expectTag, oidOf, parseDer, seq, value } from './der';
import { fail, type SignatureCheck } from './errors';
import { OID } from './oid';
import { parsePem } from './pem';

export type KeyFamily =
  | { kind: 'ecdsa'; curve: 'P-256' | 'P-384' | 'P-521' }
  | { kind: 'rsa' }
  | { kind: 'rsa-pss' }
  | { kind: 'ed25519' };

export interface PublicKey {
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  family: KeyFamily;
  /** Imported WebCrypto keys, by algorithm and hash. */
  cache: Map<string, Promise<CryptoKey>>;
}

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  [OID.p256]: 'P-256',
  [OID.p384]: 'P-384',
  [OID.p521]: 'P-521',
};
const CURVE_BYTES = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

/** Reads a SubjectPublicKeyInfo and works out which algorithm it is for. */
export function parseSpki(spki: Uint8Array, what = 'public key', check: SignatureCheck = 'key'): PublicKey {
  const [alg, bits] = seq(parseDer(spki, what, check), what, check);
  const algParts = seq(alg, `${what} algorithm`, check);
  const oid = oidOf(algParts[0], `${what} algorithm`, check);
  bitsOf(bits, `${what} key bits`, check);
  let family: KeyFamily;
  if (oid === OID.ecPublicKey) {
    const curve = CURVES[oidOf(algParts[1], `${what} curve`, check)];
    if (!curve) fail(check, `${what} uses an elliptic curve other than P-256, P-384 or P-521`);
    family = { kind: 'ecdsa', curve };
  } else if (oid === OID.rsaEncryption) family = { kind: 'rsa' };
  else if (oid === OID.rsaPss) family = { kind: 'rsa-pss' };
  else if (oid === OID.ed25519) family = { kind: 'ed25519' };
  else fail(check, `${what} has unsupported algorithm ${oid}`);
  return { spki, family, cache: new Map() };
}

/** Wraps a PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo. */
export function pkcs1ToSpki(pkcs1: Uint8Array): Uint8Array {
  const algId = encodeDer(
    TAG.sequence,
    new Uint8Array([...encodeDer(TAG.oid, encodeOid(OID.rsaEncryption)), 0x05, 0x00]),
  );
  const bits = encodeDer(TAG.bitString, new Uint8Array([0, ...pkcs1]));
  return encodeDer(TAG.sequence, new Uint8Array([...algId, ...bits]));
}

/** A PEM public key: `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1); a certificate is not a key. */
export function parsePublicKeyPem(pem: unknown, what = 'public key'): PublicKey {
  const blocks = parsePem(pem, what, 'key');
  const block = blocks.find((b) => b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY');
  if (!block) fail('key', `${what} has no PUBLIC KEY block (found ${blocks.map((b) => b.label).join(', ')})`);
  return parseSpki(block.label === 'RSA PUBLIC KEY' ? pkcs1ToSpki(block.der) : block.der, what);
}

/** The hash an ECDSA key signs with by default (sigstore-rs and sigstore-go pick it by curve). */
export function defaultHash(key: PublicKey): HashName {
  if (key.family.kind === 'ecdsa')
    return key.family.curve === 'P-384' ? 'SHA-384' : key.family.curve === 'P-521' ? 'SHA-512' : 'SHA-256';
  return 'SHA-256';
}

function importParams(key: PublicKey, hash: HashName): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (key.family.kind) {
    case 'ecdsa':
      return { name: 'ECDSA', namedCurve: key.family.curve };
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash };
    case 'rsa-pss':
      return { name: 'RSA-PSS', hash };
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

function cryptoKey(key: PublicKey, hash: HashName, pss: boolean): Promise<CryptoKey> {
  const params = pss && key.family.kind === 'rsa' ? { name: 'RSA-PSS', hash } : importParams(key, hash);
  const id = `${(params as Algorithm).name}/${hash}`;
  let p = key.cache.get(id);
  if (!p) {
    let spki = key.spki;
    if (key.family.kind === 'rsa-pss') spki = rsaPssAsRsa(spki);
    p = crypto.subtle.importKey('spki', own(spki), params, false, ['verify']);
    key.cache.set(id, p);
  }
  return p;
}

/** WebCrypto imports RSA-PSS keys only under the rsaEncryption OID; the key bits are the same. */
function rsaPssAsRsa(spki: Uint8Array): Uint8Array {
  const [, bits] = seq(parseDer(spki, 'RSA-PSS key', 'key'), 'RSA-PSS key', 'key');
  return pkcs1ToSpki(bitsOf(bits, 'RSA-PSS key bits', 'key'));
}

/** Converts an ASN.1 `SEQUENCE { r INTEGER, s INTEGER }` to the fixed-width r‖s WebCrypto verifies; null if it is not one. */
export function ecdsaDerToRaw(sig: Uint8Array, curve: 'P-256' | 'P-384' | 'P-521'): Uint8Array | null {
  const n = CURVE_BYTES[curve];
  try {
    const d = parseDer(sig, 'ECDSA signature', 'signature');
    const [r, s] = seq(d, 'ECDSA signature', 'signature');
    const out = new Uint8Array(2 * n);
    for (const [i, part] of [r, s].entries()) {
      let v = value(expectTag(part, TAG.integer, 'ECDSA signature integer', 'signature'));
      while (v.length > 1 && v[0] === 0) v = v.subarray(1);
      if (v.length > n) return null;
      out.set(v, i * n + (n - v.length));
    }
    return out;
  } catch {
    return null;
  }
}

export interface VerifyOptions {
  /** The hash; by default the key's usual one (SHA-256, or by curve for ECDSA). */
  hash?: HashName;
  /** Use RSA-PSS for an rsaEncryption key. */
  pss?: boolean;
}

/** Checks `sig` over `data`; false for a wrong signature, a malformed one, or an algorithm the platform lacks. */
export async function verifySignature(
  key: PublicKey,
  data: Uint8Array,
  sig: Uint8Array,
  opts: VerifyOptions = {},
): Promise<boolean> {
  const hash = opts.hash ?? defaultHash(key);
  let signature: Uint8Array | null = sig;
  if (key.family.kind === 'ecdsa') signature = ecdsaDerToRaw(sig, key.family.curve);
  if (!signature) return false;
  try {
    const k = await cryptoKey(key, hash, !!opts.pss);
    const alg =
      key.family.kind === 'ecdsa'
        ? { name: 'ECDSA', hash }
        : key.family.kind === 'rsa-pss' || opts.pss
          ? { name: 'RSA-PSS', saltLength: hash === 'SHA-256' ? 32 : hash === 'SHA-384' ? 48 : 64 }
          : key.family.kind === 'ed25519'
            ? { name: 'Ed25519' }
            : { name: 'RSASSA-PKCS1-v1_5' };
    return await crypto.subtle.verify(alg, k, own(signature), own(data));
  } catch {
    return false;
  }
}

/** A short description, e.g. `ECDSA P-256`. */
export function describeKey(key: PublicKey): string {
  const f = key.family;
  return f.kind === 'ecdsa'
    ? `ECDSA ${f.curve}`
    : f.kind === 'rsa'
      ? 'RSA'
      : f.kind === 'rsa-pss'
        ? 'RSA-PSS'
        : 'Ed25519';
}
