/** Walks the top-level sections of a core module or component without decoding any section body. */
import { WasmParseError } from './errors';
import { readU32, u32Length } from './leb';
import { sectionKind, type WasmKind } from './section-kinds';
import { describeNonWasm } from './sniff';

export interface WasmSection {
  /** Section id byte. */
  id: number;
  /** Human name of the id for this kind of binary (`custom`, `type`, `core-module`, …). */
  kind: string;
  /** Offset of the id byte. */
  offset: number;
  /** First byte after the size field; for custom sections that is the start of the name field. */
  payloadOffset: number;
  /** Declared size (the size field's value). */
  size: number;
  /** Custom section name. */
  name?: string;
  /** First byte of a custom section's data, after its name. */
  dataOffset?: number;
  /** True when the size LEB uses more bytes than the minimal encoding. */
  paddedSize: boolean;
}

export interface WasmInfo {
  kind: WasmKind;
  /** The 4 version bytes as a little-endian number: 1 for core modules, 0x1000d for components. */
  version: number;
  size: number;
  sections: WasmSection[];
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
// ignoreBOM: names are compared byte for byte, so a leading U+FEFF must stay part of the name (custom.wast).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Where each core section id may stand (the spec's binary module grammar, with the tag section of exception
 * handling between memory and global, and datacount between element and code). Custom sections (0) go anywhere.
 */
const CORE_ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  13: 6,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
};
/** Component section ids (component-model Binary.md): any order, any number of times. */
const MAX_COMPONENT_ID = 12;

/**
 * Reads the preamble and section table. Throws only {@link WasmParseError}: besides truncation and bad names, an
 * unknown section id, and in a core module a repeated or out-of-order non-custom section, are refused with their
 * offset, as every engine refuses them (binary.wast "malformed section id", "junk after last section"); such a file
 * cannot run as a policy, so no view pretends it is a module.
 */
export function parseWasm(bytes: Uint8Array): WasmInfo {
  const kind = readPreamble(bytes);
  const version = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
  const sections: WasmSection[] = [];
  let offset = 8;
  let last: WasmSection | null = null;
  while (offset < bytes.length) {
    const section = readSectionHeader(bytes, offset, kind);
    checkOrder(section, last, kind);
    if (section.id !== 0) last = section;
    sections.push(section);
    offset = section.payloadOffset + section.size;
  }
  return { kind, version: version >>> 0, size: bytes.length, sections };
}

function checkOrder(section: WasmSection, last: WasmSection | null, kind: WasmKind): void {
  const { id, offset } = section;
  if (id === 0) return;
  if (kind === 'component') {
    if (id > MAX_COMPONENT_ID)
      throw new WasmParseError(
        'bad-section',
        offset,
        `Byte ${offset} starts a section with unknown id ${id}.`,
      );
    return;
  }
  const rank = CORE_ORDER[id];
  if (rank === undefined)
    throw new WasmParseError('bad-section', offset, `Byte ${offset} starts a section with unknown id ${id}.`);
  if (last && CORE_ORDER[last.id] >= rank) {
    const what = last.id === id ? 'a second' : 'an out-of-order';
    throw new WasmParseError(
      'bad-section',
      offset,
      `The ${section.kind} section at byte ${offset} is ${what} section: it must come ${last.id === id ? 'only once' : `before the ${last.kind} section at byte ${last.offset}`}.`,
    );
  }
}

function readPreamble(bytes: Uint8Array): WasmKind {
  if (bytes.length < 4 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new WasmParseError(
      'not-wasm',
      0,
      `This is not a WebAssembly file: it looks like ${describeNonWasm(bytes)}.`,
    );
  }
  if (bytes.length < 8)
    throw new WasmParseError('truncated', bytes.length, 'The file ends inside the 8-byte header.');
  const v = [bytes[4], bytes[5], bytes[6], bytes[7]];
  if (v[0] === 1 && v[1] === 0 && v[2] === 0 && v[3] === 0) return 'module';
  if (v[2] === 1 && v[3] === 0) {
    if (v[0] === 0x0d && v[1] === 0) return 'component';
    throw new WasmParseError(
      'unsupported-version',
      4,
      `This is a WebAssembly component of pre-release version 0x${v[0].toString(16)}; only version 0x0d (the current one) is supported.`,
    );
  }
  const hex = v.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new WasmParseError(
    'unsupported-version',
    4,
    `Unsupported WebAssembly version bytes ${hex}: expected 01 00 00 00 (module) or 0d 00 01 00 (component).`,
  );
}

function readSectionHeader(bytes: Uint8Array, offset: number, kind: WasmKind): WasmSection {
  const id = bytes[offset];
  const sizeLeb = readU32(bytes, offset + 1);
  const payloadOffset = offset + 1 + sizeLeb.length;
  const size = sizeLeb.value;
  const kindName = sectionKind(kind, id);
  if (payloadOffset + size > bytes.length) {
    throw new WasmParseError(
      'section-overflow',
      offset,
      `The ${kindName} section at byte ${offset} declares ${size} bytes, but only ${bytes.length - payloadOffset} remain in the file.`,
    );
  }
  const section: WasmSection = {
    id,
    kind: kindName,
    offset,
    payloadOffset,
    size,
    paddedSize: sizeLeb.length > u32Length(size),
  };
  if (id === 0) readCustomName(bytes, section);
  return section;
}

function readCustomName(bytes: Uint8Array, section: WasmSection): void {
  const end = section.payloadOffset + section.size;
  const len = readU32(bytes, section.payloadOffset, end);
  const nameStart = section.payloadOffset + len.length;
  if (nameStart + len.value > end) {
    throw new WasmParseError(
      'section-overflow',
      section.payloadOffset,
      `The custom section name at byte ${section.payloadOffset} runs past the end of its section.`,
    );
  }
  try {
    section.name = utf8.decode(bytes.subarray(nameStart, nameStart + len.value));
  } catch {
    throw new WasmParseError(
      'bad-utf8',
      nameStart,
      `The custom section name at byte ${nameStart} is not valid UTF-8.`,
    );
  }
  section.dataOffset = nameStart + len.value;
}
