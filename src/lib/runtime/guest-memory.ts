/** Bounds-checked access to a guest's linear memory, which may grow (and so detach old views) at any call. */
import { RuntimeError } from './errors';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

/** Reads and writes a guest memory; every pointer from the guest is checked before use. */
export class GuestMemory {
  memory: WebAssembly.Memory | null = null;
  /** Largest allowed memory size in bytes; checked on every access and after every call. */
  constructor(readonly limitBytes: number) {}

  private view(): Uint8Array {
    if (!this.memory) throw new RuntimeError('missing-export', 'The module does not export its `memory`.');
    return new Uint8Array(this.memory.buffer);
  }

  /** Throws when the guest has grown its memory past the cap. */
  checkLimit(): void {
    if (!this.memory) return;
    const size = this.memory.buffer.byteLength;
    if (size > this.limitBytes)
      throw new RuntimeError(
        'memory',
        `The policy grew its memory to ${mib(size)} MiB, above the ${mib(this.limitBytes)} MiB cap.`,
      );
  }

  private range(ptr: number, len: number, what: string): Uint8Array {
    this.checkLimit();
    const mem = this.view();
    const start = ptr >>> 0;
    const n = len >>> 0;
    if (start + n > mem.length)
      throw new RuntimeError(
        'memory',
        `The policy passed ${what} at ${start}..${start + n}, outside its ${mem.length}-byte memory.`,
      );
    return mem.subarray(start, start + n);
  }

  /** A copy of `len` bytes at `ptr`. */
  read(ptr: number, len: number, what = 'a buffer'): Uint8Array {
    return this.range(ptr, len, what).slice();
  }

  /** UTF-8 text at `ptr`; invalid sequences become U+FFFD rather than failing the call. */
  text(ptr: number, len: number, what = 'a string'): string {
    return utf8.decode(this.range(ptr, len, what));
  }

  write(ptr: number, bytes: Uint8Array, what = 'a buffer'): void {
    this.range(ptr, bytes.length, what).set(bytes);
  }

  u32(ptr: number): number {
    return new DataView(this.range(ptr, 4, 'a u32').slice().buffer).getUint32(0, true);
  }

  setU32(ptr: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    this.write(ptr, b, 'a u32');
  }

  setU64(ptr: number, value: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.write(ptr, b, 'a u64');
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}

function mib(n: number): string {
  return (n / 1048576).toFixed(1);
}
