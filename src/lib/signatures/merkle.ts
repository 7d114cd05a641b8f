/** RFC 6962 / RFC 9162 Merkle inclusion proofs: recompute the root from a leaf and its audit path. */
import { bytesEqual, concat, digest } from './bytes';
import { fail } from './errors';

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length);
const onesCount = (n: bigint) => n.toString(2).replace(/0/g, '').length;

async function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return digest('SHA-256', concat(new Uint8Array([1]), left, right));
}

/** SHA-256 of 0x00 ‖ leaf, the RFC 6962 leaf hash. */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return digest('SHA-256', concat(new Uint8Array([0]), leaf));
}

/**
 * Checks that `leaf` is entry `index` of a tree of `size` leaves whose root is `root`, with the
 * audit path `hashes` ordered from the leaf upwards (the decomposition sigstore-js and
 * transparency-dev use: inner nodes, then the right border).
 */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: bigint,
  size: bigint,
  hashes: Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  if (index < 0n || index >= size)
    fail('tlog', `inclusion proof index ${index} is outside a tree of ${size} entries`);
  const inner = bitLength(index ^ (size - 1n));
  const border = onesCount(index >> BigInt(inner));
  if (hashes.length !== inner + border) {
    fail(
      'tlog',
      `inclusion proof has ${hashes.length} hashes, a tree of ${size} entries needs ${inner + border} for index ${index}`,
    );
  }
  if (hashes.some((h) => h.length !== 32)) fail('tlog', 'inclusion proof hashes must be 32 bytes');
  let node = await leafHash(leaf);
  for (let i = 0; i < inner; i++) {
    node =
      (index >> BigInt(i)) & 1n ? await hashChildren(hashes[i]!, node) : await hashChildren(node, hashes[i]!);
  }
  for (let i = inner; i < hashes.length; i++) node = await hashChildren(hashes[i]!, node);
  if (!bytesEqual(node, root)) fail('tlog', 'the inclusion proof does not lead to the checkpoint root hash');
}
