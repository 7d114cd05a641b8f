/** Public API of the Kubewarden metadata library: read, validate, edit, write and scaffold policy metadata. */
export type {
  ProtocolVersion,
  ExecutionMode,
  PolicyType,
  Operation,
  Rule,
  ContextAwareResource,
  Metadata,
  Issue,
} from './types';
export { MetadataError, type MetadataErrorCode } from './errors';
export * from './constants';
export {
  emptyMetadata,
  protocolVersionFor,
  canonicalMetadata,
  compareUtf8,
  sortedAnnotations,
  type ProtocolGuess,
} from './model';
export { parseMetadataJson, serializeMetadata, type ParsedMetadata } from './json';
export { readMetadata, existingKwctlVersion, type ReadMetadata } from './read';
export { metadataFromYaml, MetadataImportError, type YamlImport, type ImportProblem } from './yaml-import';
export { metadataToYaml, toYaml } from './yaml-export';
export {
  validateMetadata,
  isSemver,
  REGO_IN_WAPC,
  NOT_REGO,
  INVALID_PROTOCOL,
  COMPONENT_MESSAGE,
  type ValidateOptions,
} from './validate';
export { validateRule, checkResources, orderHint, ASTERISK_MESSAGE, LENGTH_MESSAGE } from './rules';
export { isRego, isRegoExports, type ExportLike } from './backend';
export { readPolicyModel, decideExecution, type PolicyModel, type ExecutionDecision } from './policy-model';
export { annotate, annotateParts, metadataToWrite, type AnnotateOptions } from './annotate';
export { scanHostCapabilities, detectCapabilities, type CapabilityScan } from './capabilities';
export {
  inspectModel,
  DETAIL_ANNOTATIONS,
  NO_METADATA_MESSAGE,
  CONTEXT_AWARE_INTRO,
  CONTEXT_AWARE_OUTRO,
  type InspectModel,
  type DetailRow,
} from './inspect';
export { buildOciAnnotations, lineCount, rustTrim, type OciAnnotations } from './oci-annotations';
export { scaffoldArtifactHub, ARTIFACTHUB_HEADER, type ArtifactHubOptions } from './scaffold-artifacthub';
export { scaffoldManifest, type ManifestOptions, type ScaffoldedManifest } from './scaffold-manifest';
export { parseMaintainers, type Maintainer } from './maintainers';
export {
  pushCheckFor,
  checkPushAllowed,
  buildPolicyArtifact,
  pushPolicy,
  pullPolicy,
  UNANNOTATED_REFUSAL,
  REGO_REFUSAL,
  UNANNOTATED_WARNING,
  type PushCheck,
  type PolicyPushResult,
  type PolicyPullResult,
} from './policy-artifact';
export {
  diffPolicies,
  compareLists,
  ruleText,
  type PolicyDiff,
  type PolicySide,
  type ValueChange,
  type ListChange,
  type AnnotationChange,
  type SectionSize,
} from './policy-diff';
export { METADATA_EXPLANATIONS } from './explain';
