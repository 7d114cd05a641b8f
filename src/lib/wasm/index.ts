/** Public API of the WebAssembly binary library: read sections, decode known custom sections, edit bytes. */
export { WasmParseError, type WasmParseErrorCode } from './errors';
export { parseWasm, type WasmInfo, type WasmSection } from './parse';
export { sectionKind, type WasmKind } from './section-kinds';
export { describeNonWasm } from './sniff';
export { readU32, encodeU32, u32Length } from './leb';
export {
  customSections,
  setCustomSection,
  setCustomSectionParts,
  removeCustomSections,
  stripDebug,
  debugSections,
  isDebugSection,
  encodeCustomSection,
  KUBEWARDEN_METADATA,
  type StripOptions,
  type StripResult,
  type StrippedSection,
} from './edit';
export {
  decodeImports,
  decodeExports,
  dataSegments,
  type WasmImport,
  type WasmExport,
  type WasmExternKind,
} from './core-sections';
export {
  decodeProducers,
  decodeNameSection,
  decodeTargetFeatures,
  toolchain,
  type ProducerField,
  type ProducerValue,
  type NameSectionInfo,
  type TargetFeature,
} from './custom-decoders';
export { componentSummary, type ComponentSummary } from './component';
export {
  decodeCustom,
  decodeCustomSections,
  HEAD_BYTES,
  type DecodedCustom,
  type CustomSectionView,
} from './describe';
export { WASM_EXPLANATIONS } from './explain';
