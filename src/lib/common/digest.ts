/**
 * SHA-256, the one hashing path of every library: Node's own hasher in Node; WebCrypto where it exists (native,
 * several times faster than any JavaScript or Wasm hasher) for buffers of up to 32 MiB; else hash-wasm in pieces
 * (WebCrypto copies its whole input first, and pages served over plain http from another machine have no
 * `crypto.subtle`: oci.md §3).
 */
import { nextMacrotask } from './macrotask';

/** Above this, WebCrypto's copy of the input costs more memory than its speed is worth. */
const COPY_LIMIT = 32 * 1024 * 1024;
/** Bytes hashed between two yields to the page, on the piecewise path. */
const PIECE = 4 * 1024 * 1024;
/**
 * Bytes Node's hasher takes between two turns of the event loop (1 ms of hashing): an upload begun beside the
 * hash gets its answers and refills its socket at least that often.
 */
const NODE_PIECE = 1024 * 1024;

interface NodeHash {
  update(bytes: Uint8Array): NodeHash;
  digest(encoding: 'hex'): string;
}

/**
 * node:crypto when running in Node (found at run time, so bundles for the page never name it): Node's WebCrypto
 * copies the input first and hashes 14 MB in twice the time (measured 22-44 ms against 10-17 ms).
 */
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as { createHash(algorithm: 'sha256'): NodeHash } | undefined;

function subtle(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto?.subtle;
}

const toHex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

/** Hex SHA-256 of `bytes`. `signal` is checked between pieces on the piecewise path. */
export function sha256Hex(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  return sha256HexOfParts([bytes], signal);
}

/**
 * Hex SHA-256 of the concatenation of `parts`, without joining them (an edited module is its original bytes and a
 * new section: hashing it must not cost another copy of it). Large inputs are hashed in pieces with a yield to
 * the page between them, so the page stays responsive and memory grows by one piece.
 */
export async function sha256HexOfParts(parts: Uint8Array[], signal?: AbortSignal): Promise<string> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (nodeCrypto) {
    // Node's hasher blocks the event loop while it runs (13 ms for 14 MB): between pieces of a large input, requests
    // already started (a push opens its upload session while it hashes) get on the wire.
    const h = nodeCrypto.createHash('sha256');
    for (const part of parts)
      for (let i = 0; i < part.length; i += NODE_PIECE) {
        if (total > NODE_PIECE) await nextMacrotask();
        signal?.throwIfAborted();
        h.update(part.subarray(i, i + NODE_PIECE));
      }
    return h.digest('hex');
  }
  const native = subtle();
  if (native && parts.length === 1 && total <= COPY_LIMIT)
    return toHex(await native.digest('SHA-256', parts[0] as Uint8Array<ArrayBuffer>));
  // Loaded only where it is needed, so most pages never download it.
  const { createSHA256 } = await import('hash-wasm');
  const h = await createSHA256();
  h.init();
  for (const part of parts)
    for (let i = 0; i < part.length; i += PIECE) {
      signal?.throwIfAborted();
      h.update(part.subarray(i, i + PIECE));
      if (total > COPY_LIMIT) await nextMacrotask();
    }
  return h.digest('hex');
}

/** `sha256:<hex>` of `bytes`. */
export async function sha256Digest(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  return `sha256:${await sha256Hex(bytes, signal)}`;
}
