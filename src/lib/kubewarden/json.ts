/** The metadata section payload: strict parsing into the model and kwctl's exact compact JSON on output. */
import { CoerceError, coerceMetadata } from './coerce';
import { MetadataError } from './errors';
import { canonicalMetadata } from './model';
import type { Metadata } from './types';

// ignoreBOM: serde_json refuses a leading U+FEFF, so it must reach JSON.parse (which refuses it too).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export interface ParsedMetadata {
  metadata: Metadata;
  warnings: string[];
}

/** kwctl inspect's prefix for a section that is not valid metadata JSON. */
const PREFIX = 'Error parsing policy metadata: ';

/**
 * Parses the JSON of an `io.kubewarden.metadata` section. Fills defaults, drops unknown keys (with a warning
 * naming them) and throws {@link MetadataError} `bad-json` for invalid UTF-8, JSON, types or enum values.
 */
export function parseMetadataJson(input: string | Uint8Array): ParsedMetadata {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      throw new MetadataError('bad-json', `${PREFIX}the section is not valid UTF-8`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MetadataError('bad-json', `${PREFIX}${(e as Error).message}`);
  }
  try {
    const { metadata, unknownKeys, missingProtocol } = coerceMetadata(value);
    const warnings: string[] = [];
    if (unknownKeys.length)
      warnings.push(
        `Unknown metadata keys are ignored and will be dropped on save: ${unknownKeys.join(', ')}`,
      );
    if (missingProtocol) warnings.push('Invalid policy: protocol_version not defined (read as "Unknown")');
    return { metadata, warnings };
  } catch (e) {
    if (e instanceof CoerceError)
      throw new MetadataError('bad-json', `${PREFIX}${e.message}`, undefined, e.path);
    throw e;
  }
}

/**
 * The compact JSON kwctl writes (`serde_json::to_vec` of its struct): keys in §2.2 order, annotations sorted by
 * UTF-8 bytes, contextAwareResources and hostCapabilities sorted and deduplicated, optional keys only when set.
 * JSON.stringify escapes exactly as serde_json does for well-formed strings.
 */
export function serializeMetadata(metadata: Metadata): Uint8Array {
  return encoder.encode(JSON.stringify(canonicalMetadata(metadata)));
}
