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

export type DecodedCustom =
  | { type: 'producers'; fields: ProducerField[] }
  | { type: 'name'; names: NameSectionInfo }
  | { type: 'target_features'; features: TargetFeature[] }
  | { type: 'raw'; head: Uint8Array; length: number }
  | { type: 'error'; error: WasmParseError; head: Uint8Array; length: number };

export interface CustomSectionView {
  section: WasmSection;
  name: string;
  decoded: DecodedCustom;
}

/** How many payload bytes the raw view keeps. */
export const HEAD_BYTES = 64;

/** Decodes one custom section (producers, name, target_features) or keeps its first bytes. */
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
  return { section, name, decoded: { type: 'raw', head, length: payload.length } };
}

/** Every top-level custom section, decoded where known. */
export function decodeCustomSections(bytes: Uint8Array, sections: WasmSection[]): CustomSectionView[] {
  return sections.filter((s) => s.id === 0).map((s) => decodeCustom(bytes, s));
}
