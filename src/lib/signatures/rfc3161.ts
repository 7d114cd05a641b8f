/**
 * RFC 3161 timestamps (as sigstore-js `core/rfc3161` and sigstore-go read them): a TimeStampResp
 * or bare token whose TSTInfo imprints the bundle's signature, whose CMS signer is a timestamp
 * authority of the trusted root, and whose signature covers the signed attributes.
 */
import { bytesEqual, concat, digest, type HashName } from './bytes';
import { verifyChain, iso, certKey } from './chain';
import {
  TAG,
  children,
  expectTag,
  intOf,
  oidOf,
  parseDer,
  raw,
  readDer,
  seq,
  smallIntOf,
  timeOf,
  value,
  type Der,
} from './der';
import { fail } from './errors';
import { verifySignature } from './keys';
import { HASH_ALGORITHMS, OID, SIGNATURE_ALGORITHMS } from './oid';
import { authoritiesAt, type CertificateAuthority } from './trusted-root';

export interface TimestampToken {
  genTime: Date;
  imprintHash: HashName;
  imprint: Uint8Array;
  tstInfo: Uint8Array;
  signerIssuer: Uint8Array | null;
  signerSerial: Uint8Array | null;
  signerKeyId: Uint8Array | null;
  digestHash: HashName;
  signatureHash: HashName;
  signedAttrs: Uint8Array;
  messageDigest: Uint8Array;
  signature: Uint8Array;
}

const C = 'timestamp' as const;
const hashOf = (d: Der | undefined, what: string): HashName => {
  const h = HASH_ALGORITHMS[oidOf(seq(d, what, C)[0], what, C)];
  if (!h) fail(C, `${what} is not SHA-256, SHA-384 or SHA-512`);
  return h;
};

/** Parses a timestamp response or token. */
export function parseTimestamp(der: Uint8Array): TimestampToken {
  const top = seq(parseDer(der, 'the RFC 3161 timestamp', C), 'the RFC 3161 timestamp', C);
  let token = top;
  if (top[0]?.tag === TAG.sequence) {
    const status = smallIntOf(seq(top[0], 'PKIStatusInfo', C)[0], 'timestamp status', C);
    if (status !== 0 && status !== 1) fail(C, `the timestamp response status is ${status}, not granted`);
    token = seq(top[1], 'TimeStampToken', C);
  }
  if (oidOf(token[0], 'timestamp content type', C) !== OID.signedData)
    fail(C, 'the timestamp token is not CMS SignedData');
  const wrap = expectTag(token[1], 0xa0, 'timestamp content', C);
  const sd = seq(readDer(wrap.buf, wrap.body, wrap.end, C), 'SignedData', C);
  const encap = seq(sd[2], 'encapContentInfo', C);
  if (oidOf(encap[0], 'eContentType', C) !== OID.tstInfo)
    fail(C, 'the timestamp token does not carry a TSTInfo');
  const eWrap = expectTag(encap[1], 0xa0, 'eContent', C);
  const tstDer = expectTag(readDer(eWrap.buf, eWrap.body, eWrap.end, C), TAG.octetString, 'eContent', C);
  const tstInfo = value(tstDer);
  const tst = seq(parseDer(tstInfo, 'TSTInfo', C), 'TSTInfo', C);
  const imprint = seq(tst[2], 'messageImprint', C);
  const signerInfos = children(expectTag(sd[sd.length - 1], TAG.set, 'signerInfos', C), 'signerInfos', C);
  if (signerInfos.length !== 1) fail(C, `the timestamp has ${signerInfos.length} signers, expected one`);
  const si = seq(signerInfos[0], 'SignerInfo', C);
  const sid = si[1]!;
  let signerIssuer: Uint8Array | null = null;
  let signerSerial: Uint8Array | null = null;
  let signerKeyId: Uint8Array | null = null;
  if (sid.tag === TAG.sequence) {
    const [iss, ser] = seq(sid, 'signer id', C);
    signerIssuer = raw(expectTag(iss, TAG.sequence, 'signer issuer', C));
    signerSerial = value(expectTag(ser, TAG.integer, 'signer serial', C));
  } else if (sid.tag === 0x80) signerKeyId = value(sid);
  else fail(C, 'the timestamp signer id is neither issuer-and-serial nor a key id');
  const attrs = expectTag(si[3], 0xa0, 'signedAttrs', C);
  const sigAlgOid = oidOf(seq(si[4], 'signatureAlgorithm', C)[0], 'signatureAlgorithm', C);
  const digestHash = hashOf(si[2], 'signer digestAlgorithm');
  let messageDigest: Uint8Array | null = null;
  for (const a of children(attrs, 'signedAttrs', C)) {
    const [type, vals] = seq(a, 'attribute', C);
    const oid = oidOf(type, 'attribute type', C);
    const first = children(expectTag(vals, TAG.set, 'attribute values', C), 'attribute values', C)[0];
    if (oid === OID.messageDigest)
      messageDigest = value(expectTag(first, TAG.octetString, 'messageDigest', C));
    if (oid === OID.contentType && oidOf(first, 'contentType', C) !== OID.tstInfo)
      fail(C, 'the signed contentType is not TSTInfo');
  }
  if (!messageDigest) fail(C, 'the timestamp signed attributes have no messageDigest');
  intOf(tst[3], 'TSTInfo serialNumber', C);
  return {
    genTime: timeOf(tst[4], 'TSTInfo genTime', C),
    imprintHash: hashOf(imprint[0], 'messageImprint algorithm'),
    imprint: value(expectTag(imprint[1], TAG.octetString, 'messageImprint', C)),
    tstInfo,
    signerIssuer,
    signerSerial,
    signerKeyId,
    digestHash,
    signatureHash: SIGNATURE_ALGORITHMS[sigAlgOid]?.hash ?? digestHash,
    signedAttrs: concat(new Uint8Array([TAG.set]), raw(attrs).subarray(1)),
    messageDigest,
    signature: value(expectTag(si[5], TAG.octetString, 'signature', C)),
  };
}

async function verifyWith(t: TimestampToken, ca: CertificateAuthority): Promise<boolean> {
  const leaf = ca.chain[0]!;
  if (
    t.signerSerial &&
    (!bytesEqual(t.signerSerial, leaf.serial) || !bytesEqual(t.signerIssuer!, leaf.issuer))
  )
    return false;
  if (t.signerKeyId && (!leaf.subjectKeyId || !bytesEqual(t.signerKeyId, leaf.subjectKeyId))) return false;
  if (leaf.extKeyUsage && !leaf.extKeyUsage.includes(OID.ekuTimeStamping)) return false;
  try {
    await verifyChain(leaf, ca.chain, t.genTime, C);
  } catch {
    return false;
  }
  return verifySignature(certKey(leaf), t.signedAttrs, t.signature, { hash: t.signatureHash });
}

/** Verifies a timestamp over `signature` (the bundle's signature bytes); returns the time it vouches for. */
export async function verifyTimestamp(
  der: Uint8Array,
  signature: Uint8Array,
  tsas: CertificateAuthority[],
): Promise<Date> {
  const t = parseTimestamp(der);
  if (!bytesEqual(await digest(t.imprintHash, signature), t.imprint))
    fail(C, 'the timestamp imprints a different signature than the bundle');
  if (!bytesEqual(await digest(t.digestHash, t.tstInfo), t.messageDigest))
    fail(C, 'the timestamp signed attributes do not match its TSTInfo');
  const cas = authoritiesAt(tsas, t.genTime);
  if (cas.length === 0) fail(C, `no timestamp authority of the trusted root was valid at ${iso(t.genTime)}`);
  for (const ca of cas) if (await verifyWith(t, ca)) return t.genTime;
  fail(C, `the timestamp from ${iso(t.genTime)} is not signed by a timestamp authority of the trusted root`);
}
