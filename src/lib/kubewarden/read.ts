/** Reading the metadata of a module: the first `io.kubewarden.metadata` section wins, as in every kwctl reader. */
import { customSections, parseWasm, type WasmInfo } from '../wasm';
import { KEY_KWCTL, METADATA_SECTION } from './constants';
import { parseMetadataJson } from './json';
import type { Metadata } from './types';

export interface ReadMetadata {
  metadata: Metadata;
  /** The payload of the first metadata section, exactly as stored. */
  raw: Uint8Array;
  /** How many metadata sections the file holds (more than one is kwctl's re-annotate bug, §9). */
  sectionCount: number;
  warnings: string[];
}

/**
 * The policy metadata of a module, or null when it has no `io.kubewarden.metadata` section.
 * Throws {@link MetadataError} `bad-json` when the first section is not valid metadata, and
 * `WasmParseError` when the binary itself cannot be walked.
 */
export function readMetadata(bytes: Uint8Array, info: WasmInfo = parseWasm(bytes)): ReadMetadata | null {
  const payloads = customSections(bytes, METADATA_SECTION, info);
  if (payloads.length === 0) return null;
  const raw = payloads[0];
  const { metadata, warnings } = parseMetadataJson(raw);
  if (payloads.length > 1) {
    warnings.unshift(
      `This file holds ${payloads.length} ${METADATA_SECTION} sections (a kwctl re-annotate leaves the old one first). ` +
        'Like every reader, Wasmlens uses the first; saving keeps only one.',
    );
  }
  return { metadata, raw, sectionCount: payloads.length, warnings };
}

/** The `io.kubewarden.kwctl` value of the file's current metadata, which annotate keeps; undefined if none. */
export function existingKwctlVersion(bytes: Uint8Array, info?: WasmInfo): string | undefined {
  try {
    const read = readMetadata(bytes, info);
    return read && Object.prototype.hasOwnProperty.call(read.metadata.annotations, KEY_KWCTL)
      ? read.metadata.annotations[KEY_KWCTL]
      : undefined;
  } catch {
    return undefined;
  }
}
