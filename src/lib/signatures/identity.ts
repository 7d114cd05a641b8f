/**
 * The signer identity in a Fulcio certificate: the subject alternative name and the OIDC claims
 * Fulcio records as extensions under 1.3.6.1.4.1.57264.1 (fulcio `docs/oid-info.md`), and the
 * policy check that an expected identity and issuer match.
 */
import { fromUtf8 } from './bytes';
import { parseDer, stringOf } from './der';
import { fail } from './errors';
import { OID } from './oid';
import type { Certificate } from './x509';

export interface SignerIdentity {
  /** The first URI or email SAN: what cosign's `--certificate-identity` compares. */
  subjectAlternativeName: string | null;
  sanType: 'email' | 'uri' | null;
  /** The OIDC issuer (extension .1.8, or the deprecated .1.1). */
  issuer: string | null;
  /** Every Fulcio extension by OID, decoded as text. */
  fulcio: Record<string, string>;
}

const FULCIO_ARC = '1.3.6.1.4.1.57264.1.';
/** Extensions .1.1–.1.6 hold raw UTF-8; later ones a DER UTF8String. */
const RAW_EXTENSIONS = new Set([1, 2, 3, 4, 5, 6].map((n) => `${FULCIO_ARC}${n}`));

/** Reads the identity of a signing certificate; unreadable extensions are skipped, not fatal. */
export function signerIdentity(cert: Certificate): SignerIdentity {
  const fulcio: Record<string, string> = {};
  for (const e of cert.extensions) {
    if (!e.oid.startsWith(FULCIO_ARC)) continue;
    try {
      fulcio[e.oid] = RAW_EXTENSIONS.has(e.oid)
        ? fromUtf8(e.value, e.oid, 'certificate')
        : stringOf(parseDer(e.value, e.oid), e.oid);
    } catch {
      // A malformed optional claim does not make the identity unreadable.
    }
  }
  const san =
    cert.subjectAltNames.find((s) => s.type === 'uri') ??
    cert.subjectAltNames.find((s) => s.type === 'email') ??
    null;
  return {
    subjectAlternativeName: san?.value ?? null,
    sanType: san ? (san.type as 'email' | 'uri') : null,
    issuer: fulcio[OID.fulcioIssuerV2] ?? fulcio[OID.fulcioIssuerV1] ?? null,
    fulcio,
  };
}

export type Matcher = string | RegExp;

const matches = (m: Matcher, v: string | null) => v !== null && (typeof m === 'string' ? m === v : m.test(v));

/** Fails with the `identity` check unless the identity and issuer match (exactly, or by RegExp). */
export function checkIdentity(id: SignerIdentity, expected: { identity?: Matcher; issuer?: Matcher }): void {
  if (expected.identity !== undefined && !matches(expected.identity, id.subjectAlternativeName)) {
    fail(
      'identity',
      `the certificate identity is ${JSON.stringify(id.subjectAlternativeName)}, expected ${String(expected.identity)}`,
    );
  }
  if (expected.issuer !== undefined && !matches(expected.issuer, id.issuer)) {
    fail(
      'identity',
      `the certificate OIDC issuer is ${JSON.stringify(id.issuer)}, expected ${String(expected.issuer)}`,
    );
  }
}
