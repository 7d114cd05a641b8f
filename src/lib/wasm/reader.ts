/** A bounded cursor over one section body: every read is checked against the section end, never trusted. */
import { WasmParseError } from './errors';

// ignoreBOM: a name starting with U+FEFF is a different name (names.wast, custom.wast).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads values inside `[pos, end)`. Running past `end` throws `section-overflow` naming `what` and the offset,
 * so a bad count or length in untrusted input fails fast instead of reading the next section.
 */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    /** What is being read, for messages: "import section", "producers section". */
    readonly what: string,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, at = this.pos): void {
    if (n < 0 || at + n > this.end) {
      throw new WasmParseError(
        'section-overflow',
        at,
        `The ${this.what} runs past its end at byte ${at} (needs ${n} more bytes, ${Math.max(0, this.end - at)} left).`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      this.need(1, start + i);
      const byte = this.bytes[start + i];
      if (i === 4 && (byte & 0xf0) !== 0) {
        throw new WasmParseError('bad-leb', start, `The number at byte ${start} does not fit in 32 bits.`);
      }
      result += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        this.pos = start + i + 1;
        return result;
      }
    }
    throw new WasmParseError('bad-leb', start, `The number at byte ${start} is longer than 5 bytes.`);
  }

  /** Skips a signed or unsigned LEB128 of at most `maxBytes` bytes (5 for 32/33-bit, 10 for 64-bit). */
  skipLeb(maxBytes: number): void {
    const start = this.pos;
    for (let i = 0; i < maxBytes; i++) {
      this.need(1, start + i);
      if ((this.bytes[start + i] & 0x80) === 0) {
        this.pos = start + i + 1;
        return;
      }
    }
    throw new WasmParseError(
      'bad-leb',
      start,
      `The number at byte ${start} is longer than ${maxBytes} bytes.`,
    );
  }

  /** A view of the next `n` bytes (not a copy). */
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A length-prefixed UTF-8 name (`vec(byte)`), decoded strictly. */
  name(): string {
    const len = this.u32();
    const at = this.pos;
    this.need(len);
    // Fast path for short ASCII names (nearly all import, export and function names): a subarray and a
    // TextDecoder call per name dominate when a section holds hundreds of thousands of names.
    if (len <= 64) {
      let s = '';
      let i = 0;
      for (; i < len; i++) {
        const b = this.bytes[at + i];
        if (b >= 0x80) break;
        s += String.fromCharCode(b);
      }
      if (i === len) {
        this.pos += len;
        return s;
      }
    }
    const raw = this.take(len);
    try {
      return utf8.decode(raw);
    } catch {
      throw new WasmParseError(
        'bad-utf8',
        at,
        `The name at byte ${at} in the ${this.what} is not valid UTF-8.`,
      );
    }
  }
}
