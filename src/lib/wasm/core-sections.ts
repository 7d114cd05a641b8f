/** Decodes a core module's imports, exports and data segment payloads (names and kinds only; types are skipped). */
import { WasmParseError } from './errors';
import { parseWasm, type WasmInfo, type WasmSection } from './parse';
import { ByteReader } from './reader';
import { skipConstExpr, skipGlobalType, skipLimits, skipTableType } from './types';

export type WasmExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface WasmImport {
  module: string;
  name: string;
  kind: WasmExternKind;
}

export interface WasmExport {
  name: string;
  kind: WasmExternKind;
  /** Index in the index space of `kind` (imports first). */
  index: number;
}

const KINDS: WasmExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

function externKind(r: ByteReader): WasmExternKind {
  const at = r.pos;
  const byte = r.u8();
  const kind = KINDS[byte];
  if (!kind)
    throw new WasmParseError(
      'bad-section',
      at,
      `Byte ${at} in the ${r.what} has unknown kind 0x${byte.toString(16)}.`,
    );
  return kind;
}

/** The reader over a core module's section with this id, or null (and null for components). */
function sectionReader(bytes: Uint8Array, info: WasmInfo, id: number, what: string): ByteReader | null {
  if (info.kind !== 'module') return null;
  const s: WasmSection | undefined = info.sections.find((x) => x.id === id);
  return s ? new ByteReader(bytes, s.payloadOffset, s.payloadOffset + s.size, what) : null;
}

/** The imports of a core module in order; `[]` for a component or a module without an import section. */
export function decodeImports(bytes: Uint8Array, info: WasmInfo = parseWasm(bytes)): WasmImport[] {
  const r = sectionReader(bytes, info, 2, 'import section');
  if (!r) return [];
  const out: WasmImport[] = [];
  // The count is untrusted: each entry consumes bytes, so the reader stops at the section end.
  for (let n = r.u32(); n > 0; n--) {
    const module = r.name();
    const name = r.name();
    const kind = externKind(r);
    if (kind === 'func') r.u32();
    else if (kind === 'table') skipTableType(r);
    else if (kind === 'memory') skipLimits(r);
    else if (kind === 'global') skipGlobalType(r);
    else {
      r.u8(); // tag attribute (0 = exception)
      r.u32();
    }
    out.push({ module, name, kind });
  }
  return out;
}

/** The exports of a core module in order; `[]` for a component or a module without an export section. */
export function decodeExports(bytes: Uint8Array, info: WasmInfo = parseWasm(bytes)): WasmExport[] {
  const r = sectionReader(bytes, info, 7, 'export section');
  if (!r) return [];
  const out: WasmExport[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const name = r.name();
    const kind = externKind(r);
    out.push({ name, kind, index: r.u32() });
  }
  return out;
}

/**
 * The payload bytes of every data segment (active and passive) of a core module, as views into `bytes`
 * (not copies: do not change them). `[]` for a component or a module without a data section.
 */
export function dataSegments(bytes: Uint8Array, info: WasmInfo = parseWasm(bytes)): Uint8Array[] {
  const r = sectionReader(bytes, info, 11, 'data section');
  if (!r) return [];
  const out: Uint8Array[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const at = r.pos;
    const flags = r.u32();
    if (flags === 0) skipConstExpr(r);
    else if (flags === 2) {
      r.u32(); // memory index
      skipConstExpr(r);
    } else if (flags !== 1) {
      throw new WasmParseError(
        'bad-section',
        at,
        `The data segment at byte ${at} has unknown flags ${flags}.`,
      );
    }
    out.push(r.take(r.u32()));
  }
  return out;
}
