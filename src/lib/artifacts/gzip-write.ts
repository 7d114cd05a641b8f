/**
 * A small deterministic gzip writer: LZ77 with a bounded hash chain and fixed Huffman codes (RFC 1951 §3.2.6),
 * in a gzip member with mtime 0 and OS "unknown" (RFC 1952). Platform CompressionStreams differ in zlib build and
 * header OS byte, so the same input could hash differently across browsers; this writer cannot.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) as gzip's trailer needs it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LEN_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

const WINDOW = 32768;
const MAX_MATCH = 258;
const HASH_BITS = 15;
const MAX_CHAIN = 64;

/** Writes bits least-significant first into a growing buffer. */
class BitWriter {
  buf = new Uint8Array(1024);
  len = 0;
  private acc = 0;
  private n = 0;

  bits(value: number, count: number): void {
    this.acc |= value << this.n;
    this.n += count;
    while (this.n >= 8) {
      this.byte(this.acc & 0xff);
      this.acc >>>= 8;
      this.n -= 8;
    }
  }

  /** Huffman codes are defined most-significant bit first, so they are reversed into the LSB-first stream. */
  code(code: number, length: number): void {
    let r = 0;
    for (let i = 0; i < length; i++) r |= ((code >>> i) & 1) << (length - 1 - i);
    this.bits(r, length);
  }

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  flush(): Uint8Array {
    if (this.n > 0) this.byte(this.acc & 0xff);
    this.acc = 0;
    this.n = 0;
    return this.buf.subarray(0, this.len);
  }
}

function literal(w: BitWriter, v: number): void {
  if (v < 144) w.code(0x30 + v, 8);
  else if (v < 256) w.code(0x190 + v - 144, 9);
  else if (v < 280) w.code(v - 256, 7);
  else w.code(0xc0 + v - 280, 8);
}

function match(w: BitWriter, length: number, distance: number): void {
  let li = LEN_BASE.length - 1;
  while (LEN_BASE[li]! > length) li--;
  literal(w, 257 + li);
  if (LEN_EXTRA[li]) w.bits(length - LEN_BASE[li]!, LEN_EXTRA[li]!);
  let di = DIST_BASE.length - 1;
  while (DIST_BASE[di]! > distance) di--;
  w.code(di, 5);
  if (DIST_EXTRA[di]) w.bits(distance - DIST_BASE[di]!, DIST_EXTRA[di]!);
}

/** Raw deflate of `data` in one fixed-Huffman block. Pure function of its input. */
export function deflateFixed(data: Uint8Array): Uint8Array {
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE = 01, fixed Huffman
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW).fill(-1);
  const hash = (i: number) =>
    Math.imul((data[i]! << 10) ^ (data[i + 1]! << 5) ^ data[i + 2]!, 0x9e3779b1) >>> (32 - HASH_BITS);
  const insert = (i: number) => {
    if (i + 2 >= data.length) return;
    const h = hash(i);
    prev[i & (WINDOW - 1)] = head[h]!;
    head[h] = i;
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + 2 < data.length) {
      let cand = head[hash(i)]!;
      const limit = Math.min(MAX_MATCH, data.length - i);
      for (let chain = 0; cand >= 0 && i - cand <= WINDOW && chain < MAX_CHAIN; chain++) {
        let l = 0;
        while (l < limit && data[cand + l] === data[i + l]) l++;
        if (l > bestLen) {
          bestLen = l;
          bestDist = i - cand;
          if (l === limit) break;
        }
        const next = prev[cand & (WINDOW - 1)]!;
        if (next >= cand) break; // the slot was overwritten by a newer position: the chain ends here
        cand = next;
      }
    }
    if (bestLen >= 3) {
      match(w, bestLen, bestDist);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      literal(w, data[i]!);
      insert(i);
      i++;
    }
  }
  literal(w, 256);
  return w.flush();
}

/** A complete gzip member: fixed header (no name, mtime 0, XFL 0, OS 255), deflate body, CRC-32 and size. */
export function gzipDeterministic(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const body = deflateFixed(data);
  const out = new Uint8Array(10 + body.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  out.set(body, 10);
  const view = new DataView(out.buffer);
  view.setUint32(10 + body.length, crc32(data), true);
  view.setUint32(14 + body.length, data.length >>> 0, true);
  return out;
}
