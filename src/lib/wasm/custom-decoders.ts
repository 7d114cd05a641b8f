/** Decoders for the well-known custom sections: producers, name and target_features (tool-conventions). */
import { WasmParseError } from './errors';
import { ByteReader } from './reader';

export interface ProducerValue {
  name: string;
  version: string;
}

/** One `producers` field (`language`, `processed-by`, `sdk`) and its values in order. */
export interface ProducerField {
  name: string;
  values: ProducerValue[];
}

/** Decodes a `producers` payload (the bytes after the section name). */
export function decodeProducers(payload: Uint8Array, offset = 0): ProducerField[] {
  const r = new ByteReader(payload, 0, payload.length, 'producers section');
  return guard(offset, () => {
    const fields: ProducerField[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const name = r.name();
      const values: ProducerValue[] = [];
      for (let m = r.u32(); m > 0; m--) values.push({ name: r.name(), version: r.name() });
      fields.push({ name, values });
    }
    return fields;
  });
}

/** A one-line toolchain summary from `producers`, such as "Rust; rustc 1.86.0, clang 16.0.0". */
export function toolchain(fields: ProducerField[]): string {
  const part = (field: string) =>
    fields
      .filter((f) => f.name === field)
      .flatMap((f) => f.values.map((v) => (v.version ? `${v.name} ${v.version}` : v.name)));
  const languages = part('language');
  const tools = [...part('processed-by'), ...part('sdk')];
  return [languages.join(', '), tools.join(', ')].filter(Boolean).join('; ');
}

export interface NameSectionInfo {
  moduleName?: string;
  /** Entries of the function-names subsection. */
  functionNameCount: number;
  /** Entries of the local-names subsection, summed over all functions. */
  localNameCount: number;
  /** The first function names (at most `sampleSize`), for display. */
  functionNames: { index: number; name: string }[];
  /** Ids and sizes of the other subsections (labels, types, globals, …), which are not decoded. */
  otherSubsections: { id: number; size: number }[];
}

/** Decodes a `name` payload: module name, function-name and local-name counts. Other subsections are skipped. */
export function decodeNameSection(payload: Uint8Array, offset = 0, sampleSize = 100): NameSectionInfo {
  const info: NameSectionInfo = {
    functionNameCount: 0,
    localNameCount: 0,
    functionNames: [],
    otherSubsections: [],
  };
  const outer = new ByteReader(payload, 0, payload.length, 'name section');
  return guard(offset, () => {
    while (!outer.atEnd) {
      const id = outer.u8();
      const size = outer.u32();
      outer.need(size);
      const r = new ByteReader(payload, outer.pos, outer.pos + size, `name subsection ${id}`);
      outer.pos += size;
      if (id === 0) info.moduleName = r.name();
      else if (id === 1) {
        for (let n = r.u32(); n > 0; n--) {
          const index = r.u32();
          const name = r.name();
          if (info.functionNames.length < sampleSize) info.functionNames.push({ index, name });
          info.functionNameCount++;
        }
      } else if (id === 2) {
        for (let n = r.u32(); n > 0; n--) {
          r.u32(); // function index
          for (let m = r.u32(); m > 0; m--) {
            r.u32(); // local index
            r.skip(r.u32()); // name bytes: counted, not decoded
            info.localNameCount++;
          }
        }
      } else info.otherSubsections.push({ id, size });
    }
    return info;
  });
}

export interface TargetFeature {
  /** `+` used, `-` not used, `=` required (older toolchains). */
  prefix: '+' | '-' | '=';
  name: string;
}

/** Decodes a `target_features` payload. */
export function decodeTargetFeatures(payload: Uint8Array, offset = 0): TargetFeature[] {
  const r = new ByteReader(payload, 0, payload.length, 'target_features section');
  return guard(offset, () => {
    const out: TargetFeature[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const at = r.pos;
      const p = String.fromCharCode(r.u8());
      if (p !== '+' && p !== '-' && p !== '=') {
        throw new WasmParseError('bad-section', at, `Feature prefix at byte ${at} is '${p}', not +, - or =.`);
      }
      out.push({ prefix: p, name: r.name() });
    }
    return out;
  });
}

/** Runs a decoder over a payload, shifting error offsets from payload-relative to file offsets. */
function guard<T>(offset: number, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof WasmParseError && offset !== 0) {
      const at = e.offset + offset;
      throw new WasmParseError(e.code, at, e.message.replace(/byte \d+/g, `byte ${at}`));
    }
    throw e;
  }
}
