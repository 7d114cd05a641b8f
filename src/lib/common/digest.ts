/**
 * SHA-256 of a byte array, the one hashing path of every library: WebCrypto where it exists (native, several
 * times faster than any JavaScript or Wasm hasher), else hash-wasm in pieces (pages served over plain http from
 * another machine have no `crypto.subtle`; oci.md §3).
 */

const PIECE = 1 << 20;

function subtle(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto?.subtle;
}

const toHex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

/** Hex SHA-256 of `bytes`. `signal` is checked between pieces on the fallback path. */
export async function sha256Hex(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  const native = subtle();
  if (native) return toHex(await native.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  // Loaded only where it is needed, so secure pages never download it.
  const { createSHA256 } = await import('hash-wasm');
  const h = await createSHA256();
  h.init();
  for (let i = 0; i < bytes.length; i += PIECE) {
    signal?.throwIfAborted();
    h.update(bytes.subarray(i, i + PIECE));
  }
  return h.digest('hex');
}

/** `sha256:<hex>` of `bytes`. */
export async function sha256Digest(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  return `sha256:${await sha256Hex(bytes, signal)}`;
}
