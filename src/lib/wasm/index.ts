/** Public API of the WebAssembly binary library: read sections, decode known custom sections, edit bytes. */
export { WasmParseError, type WasmParseErrorCode } from './errors';
export { parseWasm, type WasmInfo, type WasmSection } from './parse';
export { sectionKind, type WasmKind } from './section-kinds';
export { describeNonWasm } from './sniff';
export { readU32, encodeU32, u32Length } from './leb';
