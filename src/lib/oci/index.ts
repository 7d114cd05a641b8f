/** Public API of the OCI registry library: references, the registry client, kwctl push/pull, auth, CORS help. */
export { RegistryError, type RegistryErrorCode, type RegistryErrorDetail } from './errors';
export {
  parseReference,
  parseDigest,
  isLoopbackHost,
  defaultBaseUrl,
  immutableReference,
  type Reference,
} from './reference';
export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './client';
export { parseWwwAuthenticate, pickChallenge, type Challenge } from './challenge';
export { TokenCache, tokenCacheKey } from './token-cache';
export { basicAuth, type Credentials, type AuthMode } from './auth';
export {
  sha256Streaming,
  DEFAULT_CHUNK,
  CHUNK_SIZE_LIMITS,
  type ProgressFn,
  type UploadResult,
  type UploadOptions,
} from './blobs';
export type { FetchedManifest } from './manifests';
export type { ReferrersResult, ReferrersMode } from './listing';
export { NO_SIGNATURES, type SignatureReport } from './signatures';
export type { PushResult, PullResult } from './policy';
export { buildPolicyManifest, type PolicyManifest } from './policy-manifest';
export {
  checkPushAllowed,
  assertPushAllowed,
  UNANNOTATED_REFUSAL,
  REGO_REFUSAL,
  UNANNOTATED_WARNING,
  type PushCheck,
} from './push-rules';
export { sortTags, nextLink } from './tags';
export {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  WASM_CONFIG,
  WASM_LAYER,
  EMPTY_CONFIG_DIGEST,
  canonicalJson,
  type Descriptor,
  type Manifest,
} from './media-types';
export {
  distributionCorsConfig,
  nginxCorsRecipe,
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
} from './cors-recipes';
export { sanitizeSettings, settingsProblem, type RegistrySettings } from './settings';
export { diagnoseFailure, type Diagnosis, type DiagnosisCode } from './diagnose';
