/** Public API of the OCI registry library: references, the registry client, artifact push/pull, auth, CORS help. */
export { RegistryError, errorFromResponse, type RegistryErrorCode, type RegistryErrorDetail } from './errors';
export {
  parseReference,
  parseDigest,
  isLoopbackHost,
  defaultBaseUrl,
  immutableReference,
  splitReferencePair,
  namesTagOrDigest,
  type Reference,
} from './reference';
export { createRegistryClient, type RegistryClient, type RegistryClientOptions } from './client';
export { parseWwwAuthenticate, pickChallenge, type Challenge } from './challenge';
export { TokenCache, tokenCacheKey } from './token-cache';
export { basicAuth, type Credentials, type AuthMode } from './auth';
export {
  DEFAULT_CHUNK,
  CHUNK_SIZE_LIMITS,
  DEFAULT_MAX_BLOB_BYTES,
  MAX_BLOB_LIMITS,
  defaultChunkSize,
  type DownloadOptions,
  type PendingUpload,
  type ProgressFn,
  type UploadResult,
  type UploadOptions,
} from './blobs';
export type { FetchedManifest } from './manifests';
export type { ReferrersResult, ReferrersMode, ListPage } from './listing';
export {
  pushArtifact,
  pullArtifact,
  type ArtifactBlob,
  type BuiltArtifact,
  type PushedArtifact,
  type PulledArtifact,
  type PullOptions,
  type TransferOptions,
  type PushOptions,
} from './artifact';
export { headBlob, mountBlob, type MountResult } from './mount';
export { readBlobAsBlob, BLOB_PIECE } from './blob-stream';
export { sortTags, nextLink } from './tags';
export {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  canonicalJson,
  manifestProblem,
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
export { sanitizeSettings, settingsProblem, TIMEOUT_LIMITS, type RegistrySettings } from './settings';
export { DEFAULT_TIMEOUT_MS } from './deadline';
export { REGISTRY_EXPLANATIONS } from './explain';
export { diagnoseFailure, type Diagnosis, type DiagnosisCode } from './diagnose';
