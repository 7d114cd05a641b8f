/**
 * Certificate path validation against a trusted chain, as sigstore-js's CertificateChainVerifier
 * does it: build paths from the leaf through the trusted certificates, check every signature,
 * CA flags, path lengths, name chaining, critical extensions, and validity at one instant.
 */
import { bytesEqual } from './bytes';
import { fail, type SignatureCheck } from './errors';
import { parseSpki, verifySignature, type PublicKey } from './keys';
import { SIGNATURE_ALGORITHMS } from './oid';
import { HANDLED_EXTENSIONS, isCa, type Certificate } from './x509';

const keys = new WeakMap<Certificate, PublicKey>();

/** The certificate's own public key (parsed once). */
export function certKey(c: Certificate): PublicKey {
  let k = keys.get(c);
  if (!k) {
    k = parseSpki(c.spki, 'certificate public key', 'certificate');
    keys.set(c, k);
  }
  return k;
}

/** Whether `issuer`'s key signed `cert`. */
export async function signedBy(cert: Certificate, issuer: Certificate): Promise<boolean> {
  const alg = SIGNATURE_ALGORITHMS[cert.signatureAlgorithm];
  if (!alg) return false;
  let key: PublicKey;
  try {
    key = certKey(issuer);
  } catch {
    return false;
  }
  if ((alg.family === 'ecdsa') !== (key.family.kind === 'ecdsa')) return false;
  return verifySignature(key, cert.tbs, cert.signature, alg.hash ? { hash: alg.hash } : {});
}

const selfIssued = (c: Certificate) => bytesEqual(c.subject, c.issuer);

/** Renders a Date the way the reasons print times. */
export const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

async function issuersOf(cert: Certificate, pool: Certificate[]): Promise<Certificate[]> {
  const candidates = pool.filter((p) => {
    if (p === cert) return false;
    if (cert.authorityKeyId && p.subjectKeyId) return bytesEqual(cert.authorityKeyId, p.subjectKeyId);
    return bytesEqual(p.subject, cert.issuer);
  });
  const out: Certificate[] = [];
  for (const c of candidates) if (await signedBy(cert, c)) out.push(c);
  return out;
}

/**
 * Builds the shortest path from `leaf` to a trust anchor in `trusted` (a self-signed certificate,
 * or the last certificate of the trusted chain) and checks it at `at`. Returns the path, leaf first.
 */
export async function verifyChain(
  leaf: Certificate,
  trusted: Certificate[],
  at: Date,
  check: SignatureCheck = 'chain',
): Promise<Certificate[]> {
  const pool = trusted.filter((c, i) => trusted.findIndex((d) => bytesEqual(d.der, c.der)) === i);
  const anchor = pool[pool.length - 1];
  const paths: Certificate[][] = [];
  const walk = async (cert: Certificate, path: Certificate[]) => {
    if (path.length > 8 || paths.length > 16) return;
    const isTrusted = pool.some((p) => bytesEqual(p.der, cert.der));
    if (isTrusted && (cert === anchor || (selfIssued(cert) && (await signedBy(cert, cert))))) {
      paths.push(path);
      return;
    }
    for (const issuer of await issuersOf(cert, pool)) {
      if (!path.includes(issuer)) await walk(issuer, [...path, issuer]);
    }
  };
  await walk(leaf, [leaf]);
  if (paths.length === 0) {
    fail(
      check,
      `the certificate "${leaf.subjectText || '(empty subject)'}" issued by "${leaf.issuerText}" does not chain to a trusted CA`,
    );
  }
  const path = paths.reduce((a, b) => (b.length < a.length ? b : a));
  checkPath(path, at, check);
  return path;
}

function checkPath(path: Certificate[], at: Date, check: SignatureCheck): void {
  for (const [i, c] of path.entries()) {
    const name = i === 0 ? 'the signing certificate' : `CA certificate "${c.subjectText}"`;
    const unknown = c.extensions.find((e) => e.critical && !HANDLED_EXTENSIONS.has(e.oid));
    if (unknown) fail(check, `${name} has an unknown critical extension ${unknown.oid}`);
    if (i > 0 && !isCa(c)) fail(check, `${name} is not allowed to issue certificates`);
    if (i > 0 && !bytesEqual(path[i - 1]!.issuer, c.subject))
      fail(check, `${name} is not the issuer named by the certificate below it`);
    const pathLen = c.basicConstraints?.pathLen;
    if (i > 0 && pathLen != null && pathLen < i - 1)
      fail(check, `${name} allows ${pathLen} intermediate CAs below it, the path has ${i - 1}`);
    if (at < c.notBefore || at > c.notAfter) {
      fail(check, `${name} is valid from ${iso(c.notBefore)} to ${iso(c.notAfter)}, not at ${iso(at)}`);
    }
  }
}
