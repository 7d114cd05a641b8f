/**
 * The transparency-log entry body must describe this very signature: same signature bytes, same
 * artifact digest, same certificate or key (sigstore-go `VerifyArtifactTransparencyLog`, sigstore-js
 * `tlog/{hashedrekord,dsse,intoto}.ts`). Rekor v1 bodies (hashedrekord 0.0.1, dsse 0.0.1, intoto
 * 0.0.2) and Rekor v2 bodies (hashedrekord 0.0.2, dsse 0.0.2) are understood.
 */
import { bytesEqual, digest, fromBase64, fromHex, fromUtf8 } from './bytes';
import type { BundleContent, TlogEntry } from './bundle';
import { pae } from './dsse';
import { fail } from './errors';
import { parsePem } from './pem';

/** Who signed according to the bundle: the leaf certificate's DER, or the key's SPKI. */
export type SignerMaterial = { certificate: Uint8Array } | { spki: Uint8Array };

type Obj = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Obj)[k] : undefined), o);
const b64 = (v: unknown, what: string) => fromBase64(v, `the log entry's ${what}`, 'tlog');

/** The certificate or key a log entry records, DER. */
export interface LoggedSigner {
  kind: 'certificate' | 'key';
  der: Uint8Array;
}

function pemSigner(pemBase64: unknown, what: string): LoggedSigner {
  const text = fromUtf8(b64(pemBase64, what), `the log entry's ${what}`, 'tlog');
  const block = parsePem(text, `the log entry's ${what}`, 'tlog')[0]!;
  return { kind: block.label === 'CERTIFICATE' ? 'certificate' : 'key', der: block.der };
}

/** Fails unless the logged certificate or key is the signer's. */
export function sameSigner(logged: LoggedSigner, signer: SignerMaterial): void {
  const mine = 'certificate' in signer ? signer.certificate : signer.spki;
  if (logged.kind === 'certificate' && !('certificate' in signer))
    fail('tlog', 'the log entry names a certificate but the signature was made with a key');
  if (logged.kind === 'key' && 'certificate' in signer)
    fail('tlog', 'the log entry names a public key but the signature was made with a certificate');
  if (!bytesEqual(logged.der, mine))
    fail('tlog', `the log entry was made with a different ${logged.kind} than the signature's`);
}

function v2Signer(verifier: unknown): LoggedSigner {
  const cert = get(verifier, 'x509Certificate', 'rawBytes');
  if (cert !== undefined) return { kind: 'certificate', der: b64(cert, 'verifier certificate') };
  const key = get(verifier, 'publicKey', 'rawBytes');
  if (key !== undefined) return { kind: 'key', der: b64(key, 'verifier key') };
  fail('tlog', 'the log entry has no verifier');
}

function sameSignature(logged: Uint8Array, content: BundleContent) {
  if (!bytesEqual(logged, content.signature))
    fail('tlog', 'the log entry holds a different signature than the bundle');
}

async function sameDigest(hexOrBytes: Uint8Array | null, expected: Uint8Array, what: string) {
  if (!hexOrBytes || !bytesEqual(hexOrBytes, expected))
    fail('tlog', `the log entry's ${what} does not match the bundle`);
}

/** What a hashedrekord entry's digest covers: the message digest, or for DSSE the digest of its PAE. */
async function signedDigest(content: BundleContent): Promise<Uint8Array> {
  return content.kind === 'message'
    ? content.digest
    : digest('SHA-256', pae(content.payloadType, content.payload));
}

/**
 * Fails unless the entry's canonicalized body matches the content and (when given) the signer;
 * returns the signer the entry records, for a later comparison when the key is not yet known.
 */
export async function verifyTlogBody(
  entry: Pick<TlogEntry, 'kind' | 'version' | 'canonicalizedBody'>,
  content: BundleContent,
  signer: SignerMaterial | null,
): Promise<LoggedSigner> {
  const logged = await loggedSigner(entry, content);
  if (signer) sameSigner(logged, signer);
  return logged;
}

async function loggedSigner(
  entry: Pick<TlogEntry, 'kind' | 'version' | 'canonicalizedBody'>,
  content: BundleContent,
): Promise<LoggedSigner> {
  let body: unknown;
  try {
    body = JSON.parse(fromUtf8(entry.canonicalizedBody, 'the log entry body', 'tlog'));
  } catch (e) {
    fail('tlog', `the log entry body is not JSON: ${(e as Error).message.slice(0, 120)}`);
  }
  const kind = get(body, 'kind');
  const version = get(body, 'apiVersion');
  if (kind !== entry.kind || version !== entry.version) {
    fail(
      'tlog',
      `the log entry says ${entry.kind}/${entry.version} but its body is ${String(kind)}/${String(version)}`,
    );
  }
  const spec = get(body, 'spec');
  const key = `${entry.kind}/${entry.version}`;
  switch (key) {
    case 'hashedrekord/0.0.1':
      sameSignature(b64(get(spec, 'signature', 'content'), 'signature'), content);
      await sameDigest(
        fromHex(String(get(spec, 'data', 'hash', 'value') ?? '')),
        await signedDigest(content),
        'artifact digest',
      );
      return pemSigner(get(spec, 'signature', 'publicKey', 'content'), 'public key');
    case 'hashedrekord/0.0.2': {
      const s = get(spec, 'hashedRekordV002');
      sameSignature(b64(get(s, 'signature', 'content'), 'signature'), content);
      await sameDigest(
        b64(get(s, 'data', 'digest'), 'artifact digest'),
        await signedDigest(content),
        'artifact digest',
      );
      return v2Signer(get(s, 'signature', 'verifier'));
    }
    case 'dsse/0.0.1':
    case 'dsse/0.0.2':
    case 'intoto/0.0.2': {
      if (content.kind !== 'dsse')
        fail('tlog', `a ${entry.kind} log entry cannot record a message signature`);
      const s =
        key === 'dsse/0.0.2' ? get(spec, 'dsseV002') : key === 'intoto/0.0.2' ? get(spec, 'content') : spec;
      const sigs = key === 'intoto/0.0.2' ? get(s, 'envelope', 'signatures') : get(s, 'signatures');
      if (!Array.isArray(sigs) || sigs.length !== 1)
        fail('tlog', 'the log entry must hold exactly one signature');
      const sig = sigs[0] as Obj;
      const logged =
        key === 'dsse/0.0.1'
          ? b64(sig.signature, 'signature')
          : key === 'dsse/0.0.2'
            ? b64(sig.content, 'signature')
            : fromBase64(
                fromUtf8(b64(sig.sig, 'signature'), 'signature', 'tlog'),
                "the log entry's signature",
                'tlog',
              );
      sameSignature(logged, content);
      const hash =
        key === 'dsse/0.0.2'
          ? b64(get(s, 'payloadHash', 'digest'), 'payload hash')
          : fromHex(String(get(s, 'payloadHash', 'value') ?? ''));
      await sameDigest(hash, await digest('SHA-256', content.payload), 'payload hash');
      if (key === 'dsse/0.0.2') return v2Signer(sig.verifier);
      return pemSigner(key === 'dsse/0.0.1' ? sig.verifier : sig.publicKey, 'verifier');
    }
    default:
      fail('tlog', `log entries of kind ${key} are not supported`);
  }
}
