/** Skips core-module type encodings (value types, limits, const expressions) without interpreting them. */
import { WasmParseError } from './errors';
import type { ByteReader } from './reader';

/** Skips a value or reference type: one shorthand byte, or 0x63/0x64 (nullable/non-null ref) + heap type. */
export function skipValType(r: ByteReader): void {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x63 || b === 0x64) {
    skipHeapType(r);
    return;
  }
  // Every single-byte type code is a negative s7 (0x40..0x7f); anything else is not a type.
  if (b < 0x40 || b > 0x7f) {
    throw new WasmParseError(
      'bad-section',
      at,
      `Byte ${at} in the ${r.what} is not a value type (0x${hex(b)}).`,
    );
  }
}

/** A heap type is an s33: an abstract type code or a type index; 0x62 marks an exact type (custom descriptors). */
function skipHeapType(r: ByteReader): void {
  if (r.pos < r.end && r.bytes[r.pos] === 0x62) r.pos++;
  r.skipLeb(5);
}

/** Skips table/memory limits: flags, min, optional max, 64-bit or shared variants, custom page size. */
export function skipLimits(r: ByteReader): void {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 0x0f) {
    throw new WasmParseError(
      'bad-section',
      at,
      `Byte ${at} in the ${r.what} has unknown limits flags 0x${hex(flags)}.`,
    );
  }
  const width = flags & 0x04 ? 10 : 5; // memory64 / table64 use u64 bounds
  r.skipLeb(width);
  if (flags & 0x01) r.skipLeb(width);
  if (flags & 0x08) r.u32(); // custom page sizes: log2 of the page size
}

/** Skips a table type: reference type then limits. */
export function skipTableType(r: ByteReader): void {
  skipValType(r);
  skipLimits(r);
}

/** Skips a global type: value type then mutability byte. */
export function skipGlobalType(r: ByteReader): void {
  skipValType(r);
  r.u8();
}

/**
 * Skips a constant expression up to its `end` (0x0b). Accepts the instructions that may appear in one:
 * numeric constants, global.get, ref.null, ref.func, and the extended-constant arithmetic operators.
 */
export function skipConstExpr(r: ByteReader): void {
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return;
      case 0x41: // i32.const
        r.skipLeb(5);
        break;
      case 0x42: // i64.const
        r.skipLeb(10);
        break;
      case 0x43: // f32.const
        r.skip(4);
        break;
      case 0x44: // f64.const
        r.skip(8);
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        r.u32();
        break;
      case 0xd0: // ref.null
        skipHeapType(r);
        break;
      case 0x6a: // i32.add, i32.sub, i32.mul, i64.add, i64.sub, i64.mul (extended-const)
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd: // v128.const: sub-opcode 12 then 16 bytes
        if (r.u32() !== 12) throw unsupported(r, at, op);
        r.skip(16);
        break;
      default:
        throw unsupported(r, at, op);
    }
  }
}

function unsupported(r: ByteReader, at: number, op: number): WasmParseError {
  return new WasmParseError(
    'bad-section',
    at,
    `Byte ${at} in the ${r.what} is opcode 0x${hex(op)}, which is not allowed in a constant expression here.`,
  );
}

const hex = (b: number) => b.toString(16).padStart(2, '0');
