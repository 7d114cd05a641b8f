/** Decodes each custom section of a binary for display, keeping a decoding error per section instead of failing. */
import { WasmParseError } from './errors';
import {
  decodeNameSection,
  decodeProducers,
  decodeTargetFeatures,
  type NameSectionInfo,
  type ProducerField,
  type TargetFeature,
} from './custom-decoders';
import type { WasmSection } from './parse';
import { KUBEWARDEN_METADATA } from './edit';

export type DecodedCustom =
  | { type: 'producers'; fields: ProducerField[] }
  | { type: 'name'; names: NameSectionInfo }
  | { type: 'target_features'; features: TargetFeature[] }
  | { type: 'json'; pretty: string; length: number }
  | { type: 'raw'; head: Uint8Array; length: number }
  | { type: 'error'; error: WasmParseError; head: Uint8Array; length: number };

export interface CustomSectionView {
  section: WasmSection;
  name: string;
  decoded: DecodedCustom;
}

/** How many payload bytes the raw view keeps. */
export const HEAD_BYTES = 64;

/** Custom sections whose payload is JSON, shown pretty-printed. */
const JSON_SECTIONS = new Set([KUBEWARDEN_METADATA]);
/** Larger JSON payloads keep the raw view: pretty-printing them is slow work for text nobody reads whole. */
export const JSON_PRETTY_LIMIT = 256 * 1024;

/** The payload as indented JSON, or null when it is not UTF-8 JSON (or too deep to print). */
function prettyJson(payload: Uint8Array): string | null {
  if (payload.length > JSON_PRETTY_LIMIT) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Invalid UTF-8, invalid JSON or nesting deeper than the stack: the raw bytes are shown instead.
    return null;
  }
}

/** Decodes one custom section (producers, name, target_features, JSON metadata) or keeps its first bytes. */
export function decodeCustom(bytes: Uint8Array, section: WasmSection): CustomSectionView {
  const name = section.name ?? '';
  const start = section.dataOffset ?? section.payloadOffset;
  const payload = bytes.subarray(start, section.payloadOffset + section.size);
  const head = payload.slice(0, HEAD_BYTES);
  try {
    if (name === 'producers')
      return { section, name, decoded: { type: name, fields: decodeProducers(payload, start) } };
    if (name === 'name')
      return { section, name, decoded: { type: name, names: decodeNameSection(payload, start) } };
    if (name === 'target_features')
      return { section, name, decoded: { type: name, features: decodeTargetFeatures(payload, start) } };
  } catch (e) {
    if (!(e instanceof WasmParseError)) throw e;
    return { section, name, decoded: { type: 'error', error: e, head, length: payload.length } };
  }
  const pretty = JSON_SECTIONS.has(name) ? prettyJson(payload) : null;
  if (pretty !== null) return { section, name, decoded: { type: 'json', pretty, length: payload.length } };
  return { section, name, decoded: { type: 'raw', head, length: payload.length } };
}

/** Every top-level custom section, decoded where known. */
export function decodeCustomSections(bytes: Uint8Array, sections: WasmSection[]): CustomSectionView[] {
  return sections.filter((s) => s.id === 0).map((s) => decodeCustom(bytes, s));
}
