/** Writing metadata into a module (§10.1): every other byte kept, exactly one metadata section, at the end. */
import { parseWasm, setCustomSection, type WasmInfo, type WasmSection } from '../wasm';
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
  const info = parseWasm(bytes);
  if (info.kind !== 'module') {
    throw new MetadataError(
      'not-core-module',
      'This is a WebAssembly component: only core modules can carry Kubewarden metadata (kwctl cannot annotate components either).',
    );
  }
  const kwctl = 'existingKwctl' in options ? options.existingKwctl : existingKwctlVersion(bytes, info);
  const payload = serializeMetadata(metadataToWrite(metadata, kwctl));
  const out = setCustomSection(bytes, METADATA_SECTION, payload, info);
  checkWrite(bytes, info, out, payload);
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
