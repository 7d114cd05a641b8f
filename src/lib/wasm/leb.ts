/** LEB128 decoding and encoding, bounds-checked: a declared length is never trusted before it is checked. */
import { WasmParseError } from './errors';

export interface LebResult {
  value: number;
  /** Bytes the encoding took. */
  length: number;
}

/**
 * Reads an unsigned LEB128 of at most 32 bits (5 bytes), as the Wasm spec requires for sizes and counts.
 * The 5th byte may only carry the top 4 bits; anything else is `bad-leb`.
 */
export function readU32(bytes: Uint8Array, offset: number, end = bytes.length): LebResult {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    const at = offset + i;
    if (at >= end)
      throw new WasmParseError('truncated', at, `The file ends inside a number at byte ${offset}.`);
    const byte = bytes[at];
    if (i === 4 && (byte & 0xf0) !== 0) {
      throw new WasmParseError('bad-leb', offset, `The number at byte ${offset} does not fit in 32 bits.`);
    }
    result += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value: result, length: i + 1 };
  }
  throw new WasmParseError('bad-leb', offset, `The number at byte ${offset} is longer than 5 bytes.`);
}

/** Minimal LEB128 encoding of an unsigned 32-bit value. */
export function encodeU32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`not a u32: ${value}`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return Uint8Array.from(out);
}

/** Length in bytes of the minimal LEB128 encoding of `value`. */
export function u32Length(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}
