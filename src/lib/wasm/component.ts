/** Component summary: top-level sections and counts of nested core modules and components, without decoding. */
import { WasmParseError } from './errors';
import { parseWasm, type WasmInfo } from './parse';

export interface ComponentSummary {
  /** Top-level section kinds with how many of each, in order of first appearance. */
  sectionCounts: { kind: string; count: number }[];
  /** Core-module sections directly in this component. */
  topLevelCoreModules: number;
  /** Component sections directly in this component. */
  topLevelComponents: number;
  /** Core modules at any depth (inside nested components too). */
  coreModules: number;
  /** Nested components at any depth. */
  components: number;
  /** Deepest component nesting (0 when there are no nested components). */
  maxDepth: number;
}

/** Nesting deeper than this is refused, so a crafted file cannot exhaust the stack. */
const MAX_DEPTH = 64;

/** Summarises a component. Throws {@link WasmParseError}: `not-component` for a core module, parse errors of nested components. */
export function componentSummary(bytes: Uint8Array, info: WasmInfo = parseWasm(bytes)): ComponentSummary {
  if (info.kind !== 'component') {
    throw new WasmParseError('not-component', 0, 'This is a core module, not a component.');
  }
  const counts = new Map<string, number>();
  for (const s of info.sections) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  const summary: ComponentSummary = {
    sectionCounts: [...counts].map(([kind, count]) => ({ kind, count })),
    topLevelCoreModules: counts.get('core-module') ?? 0,
    topLevelComponents: counts.get('component') ?? 0,
    coreModules: 0,
    components: 0,
    maxDepth: 0,
  };
  walk(bytes, info, 0, 0, summary);
  return summary;
}

function walk(bytes: Uint8Array, info: WasmInfo, base: number, depth: number, out: ComponentSummary): void {
  if (depth > MAX_DEPTH) {
    throw new WasmParseError(
      'bad-section',
      base,
      `Components are nested more than ${MAX_DEPTH} deep at byte ${base}.`,
    );
  }
  out.maxDepth = Math.max(out.maxDepth, depth);
  for (const s of info.sections) {
    if (s.id === 1) out.coreModules++;
    if (s.id !== 4) continue;
    out.components++;
    const inner = bytes.subarray(s.payloadOffset, s.payloadOffset + s.size);
    let nested: WasmInfo;
    try {
      nested = parseWasm(inner);
    } catch (e) {
      if (!(e instanceof WasmParseError)) throw e;
      throw new WasmParseError(
        e.code,
        base + s.payloadOffset + e.offset,
        `In the nested component at byte ${base + s.payloadOffset}: ${e.message}`,
      );
    }
    if (nested.kind !== 'component') {
      throw new WasmParseError(
        'bad-section',
        base + s.payloadOffset,
        `The nested component at byte ${base + s.payloadOffset} has a core-module header.`,
      );
    }
    walk(inner, nested, base + s.payloadOffset, depth + 1, out);
  }
}
