/**
 * Embedded Signed Certificate Timestamps (RFC 6962 §3.2–3.3): the SCT list extension, the
 * precertificate the CT log signed (the TBS without the SCT extension, plus the issuer key hash),
 * and each SCT's signature against the CT logs of the trusted root.
 */
import { concat, digest, toHex } from './bytes';
import { TAG, encodeDer, expectTag, parseDer, value } from './der';
import { fail } from './errors';
import { verifySignature } from './keys';
import { OID } from './oid';
import { logsFor, type TransparencyLog } from './trusted-root';
import type { Certificate } from './x509';

export interface Sct {
  version: number;
  logId: Uint8Array;
  timestamp: number;
  extensions: Uint8Array;
  hashAlgorithm: number;
  signatureAlgorithm: number;
  signature: Uint8Array;
}

const HASHES = { 4: 'SHA-256', 5: 'SHA-384', 6: 'SHA-512' } as const;

/** Parses the TLS-encoded SignedCertificateTimestampList inside the extension's OCTET STRING. */
export function parseSctList(extValue: Uint8Array): Sct[] {
  const list = value(expectTag(parseDer(extValue, 'SCT list', 'sct'), TAG.octetString, 'SCT list', 'sct'));
  const u16 = (at: number) => {
    if (at + 2 > list.length) fail('sct', 'SCT list is truncated');
    return (list[at]! << 8) | list[at + 1]!;
  };
  const total = u16(0);
  if (total !== list.length - 2) fail('sct', `SCT list says ${total} bytes but holds ${list.length - 2}`);
  const out: Sct[] = [];
  for (let at = 2; at < list.length;) {
    const len = u16(at);
    const s = list.subarray(at + 2, at + 2 + len);
    if (s.length !== len) fail('sct', 'SCT entry is truncated');
    at += 2 + len;
    if (len < 47) fail('sct', `SCT entry of ${len} bytes is too short`);
    const extLen = (s[41]! << 8) | s[42]!;
    const p = 43 + extLen;
    if (p + 4 > s.length) fail('sct', 'SCT entry is truncated');
    const sigLen = (s[p + 2]! << 8) | s[p + 3]!;
    if (p + 4 + sigLen !== s.length) fail('sct', 'SCT signature length does not match the entry');
    let ts = 0;
    for (let i = 33; i < 41; i++) ts = ts * 256 + s[i]!;
    out.push({
      version: s[0]!,
      logId: s.subarray(1, 33),
      timestamp: ts,
      extensions: s.subarray(43, p),
      hashAlgorithm: s[p]!,
      signatureAlgorithm: s[p + 1]!,
      signature: s.subarray(p + 4),
    });
  }
  return out;
}

/** The TBS with the SCT extension removed, re-encoded in DER (what the log signed). */
function precertTbs(cert: Certificate): Uint8Array {
  const parts = cert.tbsElements.map((el) => {
    if (el[0] !== 0xa3) return el;
    const exts = cert.extensions.filter((e) => e.oid !== OID.sctList).map((e) => e.raw);
    return encodeDer(0xa3, encodeDer(TAG.sequence, concat(...exts)));
  });
  return encodeDer(TAG.sequence, concat(...parts));
}

/**
 * Verifies the embedded SCTs of `leaf` (issued by `issuer`) against `ctlogs`; returns the ids of
 * the logs that verified. Any SCT that does not verify fails the check, as in sigstore-js.
 */
export async function verifyScts(
  leaf: Certificate,
  issuer: Certificate,
  ctlogs: TransparencyLog[],
): Promise<string[]> {
  const ext = leaf.extensions.find((e) => e.oid === OID.sctList);
  if (!ext) return [];
  const scts = parseSctList(ext.value);
  const tbs = precertTbs(leaf);
  const issuerKeyHash = await digest('SHA-256', issuer.spki);
  const len3 = new Uint8Array([tbs.length >> 16, (tbs.length >> 8) & 0xff, tbs.length & 0xff]);
  const verified: string[] = [];
  for (const sct of scts) {
    const hash = HASHES[sct.hashAlgorithm as 4 | 5 | 6];
    if (sct.version !== 0 || !hash)
      fail('sct', `SCT from log ${toHex(sct.logId)} uses an unsupported version or hash`);
    const ts = new Uint8Array(8);
    new DataView(ts.buffer).setBigUint64(0, BigInt(sct.timestamp));
    const signed = concat(
      new Uint8Array([sct.version, 0]),
      ts,
      new Uint8Array([0, 1]),
      issuerKeyHash,
      len3,
      tbs,
      new Uint8Array([sct.extensions.length >> 8, sct.extensions.length & 0xff]),
      sct.extensions,
    );
    const logs = logsFor(ctlogs, sct.logId, new Date(sct.timestamp));
    let ok = false;
    for (const log of logs) if (await verifySignature(log.key, signed, sct.signature, { hash })) ok = true;
    if (!ok) {
      fail(
        'sct',
        logs.length === 0
          ? `the certificate's SCT is from CT log ${toHex(sct.logId)}, which the trusted root does not list for ${new Date(sct.timestamp).toISOString()}`
          : `the SCT signature from CT log ${toHex(sct.logId)} does not verify`,
      );
    }
    if (!verified.some((v) => v === toHex(sct.logId))) verified.push(toHex(sct.logId));
  }
  return verified;
}
