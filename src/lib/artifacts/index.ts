/** Public names of the artifacts library: kind recognition, tag-list summaries, YAML documents, tar/gzip, Kyverno and Flux layouts. */
export { ArtifactError, throwIfAborted, type ArtifactErrorCode } from './errors';
export { MT, WASM_LAYER_TYPES, viewForMediaType, type BlobView } from './media-types';
export {
  recognizeArtifact,
  readDescriptor,
  type ArtifactKind,
  type DescriptorInfo,
  type ManifestForm,
  type Recognition,
} from './recognize';
export {
  summarizeArtifact,
  KIND_BADGES,
  KEY_CREATED,
  MAX_SUMMARY_CONFIG_BYTES,
  type ArtifactSummary,
} from './summary';
export {
  splitYamlDocuments,
  checkKyvernoPolicy,
  KYVERNO_KINDS,
  MAX_YAML_BYTES,
  type YamlDocument,
  type PolicyIssue,
} from './yaml-docs';
export { gunzip, looksGzipped, DEFAULT_MAX_OUTPUT, DEFAULT_MAX_RATIO, type GunzipLimits } from './gunzip';
export { gzipDeterministic, deflateFixed, crc32 } from './gzip-write';
export { readTar, type TarEntry, type TarEntryType, type TarReadOptions } from './tar-read';
export {
  writeTar,
  normalizeArchivePath,
  tarEntryHeader,
  tarPadding,
  tarEnd,
  type TarInputFile,
} from './tar-write';
export { nameHazards, displayName, safeDownloadName, HAZARD_TEXT, type NameHazard } from './tar-names';
export {
  buildKyvernoArtifact,
  buildFluxArtifact,
  collectKyvernoPolicies,
  checkFluxMeta,
  fluxArchive,
  ggcrConfig,
  type BuiltArtifact,
  type BuiltBlob,
  type FluxMeta,
  type KyvernoCandidate,
} from './layouts';
export { jsonLines, jsonText, MAX_INDENT, type Segment } from './json-lines';
export { ARTIFACT_EXPLANATIONS } from './explain';
