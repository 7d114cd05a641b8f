// The one SHA-256 path: Node's hasher, WebCrypto, and hash-wasm in pieces for inputs WebCrypto would copy whole;
// every path against node:crypto of the joined bytes (the oracle).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

const oracle = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
const bytes = (n: number, seed: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};
const big = bytes(33 * 1024 * 1024 + 7, 1); // above the 32 MiB WebCrypto copy limit
const small = bytes(1000, 2);

/** The module as the page gets it: no node:crypto (and, with `subtle: false`, no WebCrypto either). */
async function pageDigest({ subtle }: { subtle: boolean }) {
  vi.resetModules();
  vi.stubGlobal('process', { ...process, getBuiltinModule: undefined });
  if (!subtle) vi.stubGlobal('crypto', {});
  return import('../../src/lib/common/digest');
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('sha256', () => {
  it('in Node, of bytes and of parts', async () => {
    const { sha256Hex, sha256HexOfParts } = await import('../../src/lib/common/digest');
    expect(await sha256Hex(small)).toBe(oracle(small));
    expect(await sha256HexOfParts([small, big.subarray(5, 9000), new Uint8Array(0)])).toBe(
      oracle(small, big.subarray(5, 9000)),
    );
  });

  it('in a page: WebCrypto for small inputs, hash-wasm in pieces above 32 MiB and for parts', async () => {
    const { sha256Hex, sha256HexOfParts } = await pageDigest({ subtle: true });
    const spy = vi.spyOn(globalThis.crypto.subtle, 'digest');
    expect(await sha256Hex(small)).toBe(oracle(small));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await sha256Hex(big)).toBe(oracle(big));
    expect(await sha256HexOfParts([big.subarray(0, 3), small])).toBe(oracle(big.subarray(0, 3), small));
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('in a page without crypto.subtle (plain http from another machine), and cancellable there', async () => {
    const { sha256Hex } = await pageDigest({ subtle: false });
    expect(await sha256Hex(small)).toBe(oracle(small));
    const stop = new AbortController();
    stop.abort();
    await expect(sha256Hex(big, stop.signal)).rejects.toThrow();
  });
});
