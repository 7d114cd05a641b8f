/**
 * A DER reader that never trusts a length: every element is checked against the bytes that are
 * really there, children are parsed on demand (so depth is bounded by the caller), and each
 * failure says what was expected and at which offset.
 */
import { fail, type SignatureCheck } from './errors';

/** One TLV element; `buf` is the whole buffer, offsets are absolute. */
export interface Der {
  buf: Uint8Array;
  /** The first identifier byte (class, constructed bit and low tag number), e.g. 0x30 for SEQUENCE. */
  tag: number;
  /** The tag number (for high-tag-number form), class bits removed. */
  num: number;
  cls: 'universal' | 'application' | 'context' | 'private';
  constructed: boolean;
  start: number;
  /** Offset of the contents. */
  body: number;
  end: number;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8: 0x0c,
  printable: 0x13,
  t61: 0x14,
  ia5: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmp: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

const CLASSES = ['universal', 'application', 'context', 'private'] as const;

/** Reads the element starting at `at`, which must end by `limit`. */
export function readDer(
  buf: Uint8Array,
  at: number,
  limit = buf.length,
  check: SignatureCheck = 'certificate',
): Der {
  if (at >= limit) fail(check, 'DER element expected but the data ends', `offset ${at}`);
  const tag = buf[at]!;
  let p = at + 1;
  let num = tag & 0x1f;
  if (num === 0x1f) {
    num = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i > 3) fail(check, 'DER tag number is truncated or too large', `offset ${at}`);
      const b = buf[p++]!;
      num = num * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (p >= limit) fail(check, 'DER length is missing', `offset ${at}`);
  const first = buf[p++]!;
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0) fail(check, 'indefinite length is not allowed in DER', `offset ${at}`);
    if (n > 4) fail(check, `DER length of ${n} bytes is larger than any real structure`, `offset ${at}`);
    if (p + n > limit) fail(check, 'DER length is truncated', `offset ${at}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (len > limit - p) {
    fail(check, `DER element claims ${len} bytes but only ${limit - p} remain`, `offset ${at}`);
  }
  return {
    buf,
    tag,
    num,
    cls: CLASSES[tag >> 6]!,
    constructed: (tag & 0x20) !== 0,
    start: at,
    body: p,
    end: p + len,
  };
}

/** Parses `buf` as exactly one element. */
export function parseDer(buf: Uint8Array, what: string, check: SignatureCheck = 'certificate'): Der {
  const d = readDer(buf, 0, buf.length, check);
  if (d.end !== buf.length) fail(check, `${what} has ${buf.length - d.end} trailing bytes after its DER`);
  return d;
}

/** The children of a constructed element. */
export function children(d: Der, what: string, check: SignatureCheck = 'certificate'): Der[] {
  if (!d.constructed) fail(check, `${what} is not a constructed DER element`, `offset ${d.start}`);
  const out: Der[] = [];
  for (let at = d.body; at < d.end;) {
    const c = readDer(d.buf, at, d.end, check);
    out.push(c);
    at = c.end;
  }
  return out;
}

/** The contents of an element. */
export const value = (d: Der): Uint8Array => d.buf.subarray(d.body, d.end);
/** The whole encoding of an element, header included. */
export const raw = (d: Der): Uint8Array => d.buf.subarray(d.start, d.end);

/** Fails unless `d` has identifier byte `tag`. */
export function expectTag(
  d: Der | undefined,
  tag: number,
  what: string,
  check: SignatureCheck = 'certificate',
): Der {
  if (!d) fail(check, `${what} is missing`);
  if (d.tag !== tag) {
    fail(
      check,
      `${what} has DER tag 0x${d.tag.toString(16)}, expected 0x${tag.toString(16)}`,
      `offset ${d.start}`,
    );
  }
  return d;
}

/** A SEQUENCE's children, checking the tag first. */
export function seq(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): Der[] {
  return children(expectTag(d, TAG.sequence, what, check), what, check);
}

/** An OBJECT IDENTIFIER in dotted form. */
export function oidOf(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): string {
  const v = value(expectTag(d, TAG.oid, what, check));
  if (v.length === 0 || v.length > 64 || v[v.length - 1]! & 0x80) fail(check, `${what} is not a valid OID`);
  const parts: number[] = [];
  let n = 0;
  for (const b of v) {
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) fail(check, `${what} has an OID arc too large`);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  const first = parts[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}

/** The DER content bytes of an OID in dotted form (for building structures). */
export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const nums = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  const out: number[] = [];
  for (const n of nums) {
    const chunk = [n & 0x7f];
    for (let m = Math.floor(n / 128); m > 0; m = Math.floor(m / 128)) chunk.unshift((m & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return new Uint8Array(out);
}

/** An INTEGER as a bigint (two's complement). */
export function intOf(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): bigint {
  const v = value(expectTag(d, TAG.integer, what, check));
  if (v.length === 0) fail(check, `${what} is an empty INTEGER`);
  if (v.length > 64) fail(check, `${what} is an INTEGER of ${v.length} bytes, larger than any real value`);
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if (v[0]! & 0x80) n -= 1n << BigInt(v.length * 8);
  return n;
}

/** A small non-negative INTEGER as a number. */
export function smallIntOf(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): number {
  const n = intOf(d, what, check);
  if (n < 0n || n > 0xffffffffn) fail(check, `${what} is out of range`);
  return Number(n);
}

/** A BIT STRING's bytes (only whole-byte strings occur in keys and signatures). */
export function bitsOf(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): Uint8Array {
  const v = value(expectTag(d, TAG.bitString, what, check));
  if (v.length === 0) fail(check, `${what} is an empty BIT STRING`);
  return v.subarray(1);
}

/** UTCTime or GeneralizedTime as a Date. */
export function timeOf(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): Date {
  if (!d || (d.tag !== TAG.utcTime && d.tag !== TAG.generalizedTime)) fail(check, `${what} is not a time`);
  const s = new TextDecoder('latin1').decode(value(d));
  const m =
    d.tag === TAG.utcTime
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s)
      : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z$/.exec(s);
  if (!m) fail(check, `${what} "${s.slice(0, 40)}" is not a DER time`);
  let year = Number(m[1]);
  if (d.tag === TAG.utcTime) year += year < 50 ? 2000 : 1900;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const t = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (!Number.isFinite(t)) fail(check, `${what} "${s}" is not a valid date`);
  return new Date(t);
}

function utf8Of(v: Uint8Array, what: string, check: SignatureCheck): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(v);
  } catch {
    fail(check, `${what} is not valid UTF-8`);
  }
}

/** A directory or text string (UTF8String, PrintableString, IA5String, T61String, BMPString). */
export function stringOf(d: Der | undefined, what: string, check: SignatureCheck = 'certificate'): string {
  if (!d) fail(check, `${what} is missing`);
  const v = value(d);
  switch (d.tag) {
    case TAG.utf8:
      return utf8Of(v, what, check);
    case TAG.printable:
    case TAG.ia5:
    case TAG.t61:
      return new TextDecoder('latin1').decode(v);
    case TAG.bmp: {
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    default:
      fail(check, `${what} has DER tag 0x${d.tag.toString(16)}, not a string`, `offset ${d.start}`);
  }
}

/** Encodes one element with a minimal DER length. */
export function encodeDer(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : n < 0x1000000
            ? [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]
            : [0x84, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}
