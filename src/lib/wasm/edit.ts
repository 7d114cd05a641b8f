/** Byte-exact editing of custom sections: every byte outside the edited sections is copied unchanged. */
import { concatParts } from '../common';
import { encodeU32 } from './leb';
import { parseWasm, type WasmInfo, type WasmSection } from './parse';

/** The name of the Kubewarden metadata section, which {@link stripDebug} never removes. */
export const KUBEWARDEN_METADATA = 'io.kubewarden.metadata';

/**
 * Payloads (the bytes after the name) of every top-level custom section called `name`, in file order.
 * Each is a copy, so callers may keep or change it freely.
 */
export function customSections(
  bytes: Uint8Array,
  name: string,
  info: WasmInfo = parseWasm(bytes),
): Uint8Array[] {
  return info.sections
    .filter((s) => s.id === 0 && s.name === name)
    .map((s) => bytes.slice(s.dataOffset, s.payloadOffset + s.size));
}

/**
 * The byte ranges that stay when every top-level section for which `drop` is true is removed: the header, padded
 * LEBs, unknown sections and the trailing order are kept exactly. Bounds come from parsed, checked sections.
 */
function keptRanges(length: number, sections: WasmSection[], drop: (s: WasmSection) => boolean) {
  const keep: [number, number][] = [];
  let start = 0;
  for (const s of sections) {
    if (!drop(s)) continue;
    if (s.offset > start) keep.push([start, s.offset]);
    start = s.payloadOffset + s.size;
  }
  if (length > start) keep.push([start, length]);
  return keep;
}

/** Views of `bytes` without the sections `drop` selects (no copy). */
function without(
  bytes: Uint8Array,
  sections: WasmSection[],
  drop: (s: WasmSection) => boolean,
): Uint8Array[] {
  return keptRanges(bytes.length, sections, drop).map(([from, to]) => bytes.subarray(from, to));
}

/**
 * Returns a copy of the binary without the custom sections `predicate` selects. Only custom sections (id 0)
 * are offered to the predicate; other sections are always kept.
 */
export function removeCustomSections(
  bytes: Uint8Array,
  predicate: (s: WasmSection) => boolean,
  info: WasmInfo = parseWasm(bytes),
): Uint8Array {
  return concatParts(without(bytes, info.sections, (s) => s.id === 0 && predicate(s)));
}

/** Encodes one complete custom section: id 0, minimal size LEB, name, payload. */
export function encodeCustomSection(name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const nameLen = encodeU32(nameBytes.length);
  const size = nameLen.length + nameBytes.length + payload.length;
  const sizeLeb = encodeU32(size);
  const out = new Uint8Array(1 + sizeLeb.length + size);
  let at = 1; // out[0] = 0: the custom section id
  out.set(sizeLeb, at);
  at += sizeLeb.length;
  out.set(nameLen, at);
  at += nameLen.length;
  out.set(nameBytes, at);
  at += nameBytes.length;
  out.set(payload, at);
  return out;
}

/**
 * Removes every top-level custom section called `name` and appends exactly one with `payload` at the end,
 * with a minimal size LEB. Every other byte stays identical and in order.
 */
export function setCustomSection(
  bytes: Uint8Array,
  name: string,
  payload: Uint8Array,
  info: WasmInfo = parseWasm(bytes),
): Uint8Array {
  return concatParts(setCustomSectionParts(bytes, name, payload, info));
}

/**
 * {@link setCustomSection} as parts, not joined: views into `bytes` (every byte outside the replaced sections)
 * followed by the new section. A Blob or a hash takes the parts as they are, so a 100 MB module is not copied
 * once more just to be saved.
 */
export function setCustomSectionParts(
  bytes: Uint8Array,
  name: string,
  payload: Uint8Array,
  info: WasmInfo = parseWasm(bytes),
): Uint8Array[] {
  const kept = without(bytes, info.sections, (s) => s.id === 0 && s.name === name);
  return [...kept, encodeCustomSection(name, payload)];
}

export interface StripOptions {
  /** Also remove the `name` section (function and local names). */
  name?: boolean;
  /** Also remove `producers` (the toolchain that built the module). */
  producers?: boolean;
  /** Also remove `sourceMappingURL`. */
  sourceMappingURL?: boolean;
  /** Also remove `external_debug_info`. */
  externalDebugInfo?: boolean;
}

/** One custom section a strip removes, and what it occupies in the file. */
export interface StrippedSection {
  name: string;
  /** Offset of its id byte. */
  offset: number;
  /** 1 (id) + size-LEB length + size. */
  bytes: number;
}

export interface StripResult {
  bytes: Uint8Array;
  /** Names of the removed sections, in file order (a name repeats if it occurred more than once). */
  removed: string[];
  /** Bytes removed: for each section 1 (id) + size-LEB length + size. */
  savedBytes: number;
}

/** True for the custom sections {@link stripDebug} removes with these options. */
export function isDebugSection(name: string, options: StripOptions = {}): boolean {
  if (name === KUBEWARDEN_METADATA) return false;
  if (name.startsWith('.debug_')) return true;
  if (name === 'name') return !!options.name;
  if (name === 'producers') return !!options.producers;
  if (name === 'sourceMappingURL') return !!options.sourceMappingURL;
  if (name === 'external_debug_info') return !!options.externalDebugInfo;
  return false;
}

const strippable = (options: StripOptions) => (s: WasmSection) =>
  s.id === 0 && s.name !== undefined && isDebugSection(s.name, options);

/**
 * The top-level sections {@link stripDebug} would remove with these options, with their sizes, without copying
 * any bytes: what a UI shows before the user downloads.
 */
export function debugSections(info: WasmInfo, options: StripOptions = {}): StrippedSection[] {
  return info.sections.filter(strippable(options)).map((s) => ({
    name: s.name as string,
    offset: s.offset,
    bytes: s.payloadOffset + s.size - s.offset,
  }));
}

/**
 * Removes top-level debug custom sections: `.debug_*` always, the others when asked. Never reaches into nested
 * modules of a component, and never removes `io.kubewarden.metadata`.
 */
export function stripDebug(
  bytes: Uint8Array,
  options: StripOptions = {},
  info: WasmInfo = parseWasm(bytes),
): StripResult {
  const drop = strippable(options);
  const removed = info.sections.filter(drop).map((s) => s.name as string);
  const out = removed.length === 0 ? bytes.slice() : concatParts(without(bytes, info.sections, drop));
  return { bytes: out, removed, savedBytes: bytes.length - out.length };
}
