/** X.509 certificates (RFC 5280): the fields a Sigstore verifier reads, parsed defensively from DER. */
import { fromUtf8 } from './bytes';
import {
  TAG,
  bitsOf,
  children,
  expectTag,
  oidOf,
  parseDer,
  raw,
  readDer,
  seq,
  smallIntOf,
  stringOf,
  timeOf,
  value,
  type Der,
} from './der';
import { fail } from './errors';
import { OID } from './oid';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The contents of extnValue (the DER inside the OCTET STRING). */
  value: Uint8Array;
  /** The whole Extension SEQUENCE, as it appears in the TBS. */
  raw: Uint8Array;
}

export interface SubjectAltName {
  type: 'email' | 'uri' | 'dns' | 'other';
  value: string;
}

export interface Certificate {
  der: Uint8Array;
  /** The DER of tbsCertificate: what the issuer signed. */
  tbs: Uint8Array;
  /** The raw DER elements of tbsCertificate in order (used to rebuild the precertificate for SCTs). */
  tbsElements: Uint8Array[];
  signatureAlgorithm: string;
  signature: Uint8Array;
  serial: Uint8Array;
  /** The raw DER of the issuer and subject Names, compared byte for byte when chaining. */
  issuer: Uint8Array;
  subject: Uint8Array;
  issuerText: string;
  subjectText: string;
  notBefore: Date;
  notAfter: Date;
  /** The DER of SubjectPublicKeyInfo. */
  spki: Uint8Array;
  extensions: Extension[];
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  keyUsage: { digitalSignature: boolean; keyCertSign: boolean } | null;
  extKeyUsage: string[] | null;
  subjectAltNames: SubjectAltName[];
  subjectKeyId: Uint8Array | null;
  authorityKeyId: Uint8Array | null;
}

/** Extensions this verifier understands; a critical extension outside this list makes a certificate unusable. */
export const HANDLED_EXTENSIONS = new Set<string>([
  OID.subjectAltName,
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyId,
  OID.authorityKeyId,
]);

const NAME_LABELS: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.organization]: 'O',
  '2.5.4.6': 'C',
  '2.5.4.11': 'OU',
};

/** A readable one-line form of a Name, e.g. `O=sigstore.dev, CN=sigstore-intermediate`. */
function nameText(d: Der): string {
  const parts: string[] = [];
  for (const rdn of children(expectTag(d, TAG.sequence, 'Name'), 'Name')) {
    for (const atv of children(expectTag(rdn, TAG.set, 'RDN'), 'RDN')) {
      const [type, val] = seq(atv, 'AttributeTypeAndValue');
      const oid = oidOf(type, 'attribute type');
      let text: string;
      try {
        text = stringOf(val, 'attribute value');
      } catch {
        text = '…';
      }
      parts.push(`${NAME_LABELS[oid] ?? oid}=${text}`);
    }
  }
  return parts.join(', ');
}

function parseExtension(d: Der): Extension {
  const parts = seq(d, 'Extension');
  const oid = oidOf(parts[0], 'extension id');
  let i = 1;
  let critical = false;
  if (parts[i]?.tag === TAG.boolean) {
    critical = value(parts[i]!)[0] !== 0;
    i++;
  }
  const v = expectTag(parts[i], TAG.octetString, `extension ${oid} value`);
  return { oid, critical, value: value(v), raw: raw(d) };
}

function parseSan(bytes: Uint8Array): SubjectAltName[] {
  const out: SubjectAltName[] = [];
  for (const g of children(
    expectTag(parseDer(bytes, 'subjectAltName'), TAG.sequence, 'subjectAltName'),
    'subjectAltName',
  )) {
    const type = g.tag === 0x81 ? 'email' : g.tag === 0x86 ? 'uri' : g.tag === 0x82 ? 'dns' : 'other';
    const text = type === 'other' ? '' : fromUtf8(value(g), 'subjectAltName entry', 'certificate');
    out.push({ type, value: text });
  }
  return out;
}

function extensionFields(exts: Extension[]) {
  const find = (oid: string) => exts.find((e) => e.oid === oid);
  let basicConstraints: Certificate['basicConstraints'] = null;
  const bc = find(OID.basicConstraints);
  if (bc) {
    const parts = seq(parseDer(bc.value, 'basicConstraints'), 'basicConstraints');
    let i = 0;
    let ca = false;
    if (parts[i]?.tag === TAG.boolean) ca = value(parts[i++]!)[0] !== 0;
    const pathLen = parts[i]?.tag === TAG.integer ? smallIntOf(parts[i], 'pathLenConstraint') : null;
    basicConstraints = { ca, pathLen };
  }
  let keyUsage: Certificate['keyUsage'] = null;
  const ku = find(OID.keyUsage);
  if (ku) {
    const bits = bitsOf(parseDer(ku.value, 'keyUsage'), 'keyUsage');
    keyUsage = {
      digitalSignature: ((bits[0] ?? 0) & 0x80) !== 0,
      keyCertSign: ((bits[0] ?? 0) & 0x04) !== 0,
    };
  }
  const eku = find(OID.extKeyUsage);
  const extKeyUsage = eku
    ? seq(parseDer(eku.value, 'extKeyUsage'), 'extKeyUsage').map((o) => oidOf(o, 'key purpose'))
    : null;
  const san = find(OID.subjectAltName);
  const ski = find(OID.subjectKeyId);
  const aki = find(OID.authorityKeyId);
  let authorityKeyId: Uint8Array | null = null;
  if (aki) {
    const keyId = seq(parseDer(aki.value, 'authorityKeyIdentifier'), 'authorityKeyIdentifier').find(
      (c) => c.tag === 0x80,
    );
    authorityKeyId = keyId ? value(keyId) : null;
  }
  return {
    basicConstraints,
    keyUsage,
    extKeyUsage,
    subjectAltNames: san ? parseSan(san.value) : [],
    subjectKeyId: ski
      ? value(expectTag(parseDer(ski.value, 'subjectKeyIdentifier'), TAG.octetString, 'subjectKeyIdentifier'))
      : null,
    authorityKeyId,
  };
}

/** Parses a DER certificate; every malformation fails with the `certificate` check and a position. */
export function parseCertificate(der: Uint8Array, what = 'certificate'): Certificate {
  const root = parseDer(der, what);
  const [tbsDer, algDer, sigDer] = seq(root, what);
  const tbsParts = seq(tbsDer, `${what} tbsCertificate`);
  let i = 0;
  if (tbsParts[0]?.tag === 0xa0) i++;
  const serial = value(expectTag(tbsParts[i++], TAG.integer, `${what} serial number`));
  i++; // the inner signature AlgorithmIdentifier repeats algDer
  const issuer = expectTag(tbsParts[i++], TAG.sequence, `${what} issuer`);
  const [nb, na] = seq(tbsParts[i++], `${what} validity`);
  const subject = expectTag(tbsParts[i++], TAG.sequence, `${what} subject`);
  const spki = expectTag(tbsParts[i++], TAG.sequence, `${what} subjectPublicKeyInfo`);
  const extWrap = tbsParts.slice(i).find((p) => p.tag === 0xa3);
  const extensions = extWrap
    ? seq(readDer(extWrap.buf, extWrap.body, extWrap.end), `${what} extensions`).map(parseExtension)
    : [];
  const signatureAlgorithm = oidOf(
    seq(algDer, `${what} signatureAlgorithm`)[0],
    `${what} signature algorithm`,
  );
  if (extensions.length > 200) fail('certificate', `${what} has ${extensions.length} extensions`);
  return {
    der,
    tbs: raw(tbsDer!),
    tbsElements: tbsParts.map(raw),
    signatureAlgorithm,
    signature: bitsOf(sigDer, `${what} signatureValue`),
    serial,
    issuer: raw(issuer),
    subject: raw(subject),
    issuerText: nameText(issuer),
    subjectText: nameText(subject),
    notBefore: timeOf(nb, `${what} notBefore`),
    notAfter: timeOf(na, `${what} notAfter`),
    spki: raw(spki),
    extensions,
    ...extensionFields(extensions),
  };
}

/** Whether the certificate may issue other certificates (basicConstraints CA, and keyCertSign when key usage is present). */
export function isCa(c: Certificate): boolean {
  return !!c.basicConstraints?.ca && (c.keyUsage ? c.keyUsage.keyCertSign : true);
}
