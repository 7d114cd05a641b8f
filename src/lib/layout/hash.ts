/** Digests of layout blobs (sha256 and sha512, streamed with hash-wasm), yielding now and then so the page stays live. */
import { createSHA256, createSHA512 } from 'hash-wasm';
import { ArtifactError, throwIfAborted } from '../artifacts';

const PIECE = 4 * 1024 * 1024;
/** Hashing 16 MiB takes tens of milliseconds; yielding after that lets progress paint and Cancel work. */
const YIELD_EVERY = 4;

/** `alg:<hex>` of `bytes` for the digest's algorithm (sha256 or sha512). */
export async function digestWith(alg: string, bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  const hasher = alg === 'sha256' ? await createSHA256() : alg === 'sha512' ? await createSHA512() : null;
  if (!hasher) throw new ArtifactError('bad-layout', `Blobs hashed with ${alg} cannot be checked here`);
  hasher.init();
  for (let at = 0, n = 0; at < bytes.length; at += PIECE, n++) {
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setTimeout(r, 0));
    throwIfAborted(signal);
    hasher.update(bytes.subarray(at, at + PIECE));
  }
  return `${alg}:${hasher.digest('hex')}`;
}

/** Throws `digest-mismatch` unless `bytes` hash to `digest`; `where` names the file. */
export async function verifyDigest(
  bytes: Uint8Array,
  digest: string,
  where: string,
  signal?: AbortSignal,
): Promise<void> {
  const actual = await digestWith(digest.split(':')[0]!, bytes, signal);
  if (actual !== digest)
    throw new ArtifactError(
      'digest-mismatch',
      `The bytes stored as ${digest} hash to ${actual}; they were changed`,
      where,
    );
}
