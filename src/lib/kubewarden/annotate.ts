/** Writing metadata into a module (§10.1): every other byte kept, exactly one metadata section, at the end. */
import { parseWasm, setCustomSection, setCustomSectionParts, type WasmInfo, type WasmSection } from '../wasm';
import { KEY_KWCTL, METADATA_SECTION } from './constants';
import { MetadataError } from './errors';
import { canonicalMetadata } from './model';
import { existingKwctlVersion } from './read';
import { serializeMetadata } from './json';
import type { Metadata } from './types';

export interface AnnotateOptions {
  /**
   * The `io.kubewarden.kwctl` value to keep (or undefined for none). When the key is not given at all, the value
   * is read from the file's current metadata. A value typed by the user is never written.
   */
  existingKwctl?: string;
}

/** The metadata as it will be written: kwctl's protocol rule applied and `io.kubewarden.kwctl` never faked. */
export function metadataToWrite(metadata: Metadata, existingKwctl: string | undefined): Metadata {
  const out = canonicalMetadata(metadata);
  // kwctl overwrites the protocol version: only waPC modules have one (§4.1, §6).
  if (out.executionMode !== 'kubewarden-wapc') out.protocolVersion = 'Unknown';
  const annotations = { ...out.annotations };
  delete annotations[KEY_KWCTL];
  if (existingKwctl !== undefined) annotations[KEY_KWCTL] = existingKwctl;
  out.annotations = annotations;
  return canonicalMetadata(out);
}

/**
 * Returns a copy of the core module with `metadata` as its only `io.kubewarden.metadata` section, appended last,
 * and every other section copied byte for byte. Deterministic. Throws {@link MetadataError} `not-core-module`
 * for components and `write-check` if the result fails the post-write check; `WasmParseError` for bad binaries.
 */
export function annotate(bytes: Uint8Array, metadata: Metadata, options: AnnotateOptions = {}): Uint8Array {
  const { info, payload } = prepare(bytes, metadata, options);
  const out = setCustomSection(bytes, METADATA_SECTION, payload, info);
  checkWrite(bytes, info, out, payload);
  return out;
}

/**
 * {@link annotate} as parts, not joined: views of `bytes` (every section but the metadata ones) and then the new
 * metadata section. Saving them (a Blob, a hash) costs no second copy of a large module. The self-check is the
 * same one, by structure: the kept parts are `bytes` itself, so they must be exactly its header and non-metadata
 * sections, in order, and the last part exactly one metadata section with the intended JSON.
 */
export function annotateParts(
  bytes: Uint8Array,
  metadata: Metadata,
  options: AnnotateOptions = {},
): Uint8Array[] {
  const { info, payload } = prepare(bytes, metadata, options);
  const parts = setCustomSectionParts(bytes, METADATA_SECTION, payload, info);
  checkParts(bytes, info, parts, payload);
  return parts;
}

function prepare(bytes: Uint8Array, metadata: Metadata, options: AnnotateOptions) {
  const info = parseWasm(bytes);
  if (info.kind !== 'module') {
    throw new MetadataError(
      'not-core-module',
      'This is a WebAssembly component: only core modules can carry Kubewarden metadata (kwctl cannot annotate components either).',
    );
  }
  const kwctl = 'existingKwctl' in options ? options.existingKwctl : existingKwctlVersion(bytes, info);
  return { info, payload: serializeMetadata(metadataToWrite(metadata, kwctl)) };
}

const writeFailure = (why: string) =>
  new MetadataError('write-check', `The annotated module failed its self-check: ${why}.`);

/** {@link checkWrite} for parts: the kept parts cover exactly the input's header and non-metadata sections. */
function checkParts(input: Uint8Array, before: WasmInfo, parts: Uint8Array[], payload: Uint8Array): void {
  const kept = parts.slice(0, -1);
  const ranges = kept.map((p) => {
    if (p.buffer !== input.buffer) throw writeFailure('a kept part is not the input itself');
    const from = p.byteOffset - input.byteOffset;
    return [from, from + p.length] as const;
  });
  // Every byte the output keeps, in order: the header, then each non-metadata section whole.
  const wanted: [number, number][] = [[0, 8]];
  for (const s of before.sections)
    if (!(s.id === 0 && s.name === METADATA_SECTION)) wanted.push([s.offset, s.payloadOffset + s.size]);
  const covered = ranges.flatMap(([from, to]) => {
    const inside = wanted.filter(([a, b]) => a >= from && b <= to);
    if (inside.reduce((n, [a, b]) => n + b - a, 0) !== to - from)
      throw writeFailure('a kept part holds other bytes');
    return inside;
  });
  if (covered.length !== wanted.length || covered.some(([a], i) => a !== wanted[i][0]))
    throw writeFailure('the other sections are not all kept, in order');
  const last = parseWasm(joinHeader(input, parts[parts.length - 1]));
  const meta = last.sections[0];
  if (last.sections.length !== 1 || meta.id !== 0 || meta.name !== METADATA_SECTION)
    throw writeFailure('the last part is not one metadata section');
  if (!equalBytes(parts[parts.length - 1].subarray(meta.dataOffset! - 8), payload))
    throw writeFailure('the metadata section does not hold the intended JSON');
}

/** `section` after the input's 8-byte header, so the Wasm parser can read it alone. */
function joinHeader(input: Uint8Array, section: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + section.length);
  out.set(input.subarray(0, 8));
  out.set(section, 8);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function whole(bytes: Uint8Array, s: WasmSection): Uint8Array {
  return bytes.subarray(s.offset, s.payloadOffset + s.size);
}

/** §10.1 step 5: one metadata section, last, with the intended JSON; every other section byte-equal. */
function checkWrite(input: Uint8Array, before: WasmInfo, out: Uint8Array, payload: Uint8Array): void {
  const fail = (why: string) => {
    throw new MetadataError('write-check', `The annotated module failed its self-check: ${why}.`);
  };
  const after = parseWasm(out);
  const isMeta = (s: WasmSection) => s.id === 0 && s.name === METADATA_SECTION;
  const metas = after.sections.filter(isMeta);
  if (metas.length !== 1) fail(`it holds ${metas.length} metadata sections instead of 1`);
  const last = after.sections[after.sections.length - 1];
  if (last !== metas[0]) fail('the metadata section is not the last section');
  if (!equalBytes(out.subarray(last.dataOffset, last.payloadOffset + last.size), payload))
    fail('the metadata section does not hold the intended JSON');
  const kept = before.sections.filter((s) => !isMeta(s));
  const others = after.sections.filter((s) => !isMeta(s));
  if (kept.length !== others.length) fail('the number of other sections changed');
  if (!equalBytes(input.subarray(0, 8), out.subarray(0, 8))) fail('the header changed');
  kept.forEach((s, i) => {
    if (!equalBytes(whole(input, s), whole(out, others[i])))
      fail(`the ${s.kind} section at byte ${s.offset} changed`);
  });
}
