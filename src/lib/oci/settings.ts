/** The per-registry settings of oci.md §8.5 that a user picks: validation for input and for stored values. */
import type { AuthMode } from './auth';
import { CHUNK_SIZE_LIMITS, MAX_BLOB_LIMITS, type UploadOptions } from './blobs';
import type { ReferrersMode } from './listing';

/** Advanced settings for one registry; every field optional (absent = `auto` or the library's default). */
export interface RegistrySettings {
  authMode?: AuthMode;
  /** Replaces the token realm from the registry's challenge. */
  tokenEndpoint?: string;
  uploadMode?: UploadOptions['mode'];
  /**
   * Bytes per PATCH (and the monolithic limit in `auto`), within CHUNK_SIZE_LIMITS. Absent: 4 MiB, or one request
   * per blob for a registry on this machine (`defaultChunkSize`).
   */
  chunkSize?: number;
  /** The largest blob a download accepts, within MAX_BLOB_LIMITS (absent: DEFAULT_MAX_BLOB_BYTES). */
  maxBlobBytes?: number;
  /** False: ignore `Range` on chunk answers and trust our own offset. Absent means true. */
  trustRange?: boolean;
  referrersMode?: ReferrersMode;
  /** Seconds one request may wait for the registry's answer (absent: 30 s), within TIMEOUT_LIMITS. */
  timeoutSeconds?: number;
}

/** A request timeout a user may set: a second is the least a real registry needs, an hour the most worth waiting. */
export const TIMEOUT_LIMITS = { min: 1, max: 3600 } as const;
const timeoutOk = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= TIMEOUT_LIMITS.min && v <= TIMEOUT_LIMITS.max;

const AUTH_MODES: readonly AuthMode[] = ['auto', 'anonymous', 'basic', 'bearer', 'oauth2'];
const UPLOAD_MODES: readonly NonNullable<UploadOptions['mode']>[] = ['auto', 'monolithic', 'chunked'];
const REFERRERS_MODES: readonly ReferrersMode[] = ['auto', 'api', 'tag'];
const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v);

const chunkSizeOk = (v: unknown): v is number =>
  typeof v === 'number' &&
  Number.isSafeInteger(v) &&
  v >= CHUNK_SIZE_LIMITS.min &&
  v <= CHUNK_SIZE_LIMITS.max;

const maxBlobOk = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= MAX_BLOB_LIMITS.min && v <= MAX_BLOB_LIMITS.max;

/** Why a token endpoint cannot be used, or null. Credentials never travel in URLs (oci.md §7.6). */
function endpointProblem(text: string): string | null {
  const url = URL.parse(text);
  if (!url) return `The token endpoint "${text}" is not a URL.`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The token endpoint must start with https:// or http://.';
  if (url.username || url.password) return 'The token endpoint must not carry credentials.';
  return null;
}

/** Why user-entered settings cannot be used (the first problem found), or null when they can. */
export function settingsProblem(s: RegistrySettings): string | null {
  if (s.authMode !== undefined && !isOneOf(AUTH_MODES, s.authMode))
    return `Unknown auth mode "${s.authMode}".`;
  if (s.uploadMode !== undefined && !isOneOf(UPLOAD_MODES, s.uploadMode))
    return `Unknown upload mode "${s.uploadMode}".`;
  if (s.referrersMode !== undefined && !isOneOf(REFERRERS_MODES, s.referrersMode))
    return `Unknown referrers mode "${s.referrersMode}".`;
  if (s.chunkSize !== undefined && !chunkSizeOk(s.chunkSize))
    return `The chunk size must be a whole number of bytes from ${CHUNK_SIZE_LIMITS.min} to ${CHUNK_SIZE_LIMITS.max}.`;
  if (s.maxBlobBytes !== undefined && !maxBlobOk(s.maxBlobBytes))
    return `The download limit must be a whole number of bytes from ${MAX_BLOB_LIMITS.min} (1 MiB) to ${MAX_BLOB_LIMITS.max} (4 GiB).`;
  if (s.timeoutSeconds !== undefined && !timeoutOk(s.timeoutSeconds))
    return `The request timeout must be from ${TIMEOUT_LIMITS.min} to ${TIMEOUT_LIMITS.max} seconds.`;
  const endpoint = s.tokenEndpoint?.trim();
  return endpoint ? endpointProblem(endpoint) : null;
}

/**
 * Keeps only the valid, non-default fields of untrusted settings (stored by another version, tampered with, or
 * typed by a user): an unknown mode, an out-of-range chunk size or an unsafe token endpoint is dropped, so the
 * default applies instead of a value the client would misuse. The field order is fixed, so the JSON of the
 * result can serve as a cache key.
 */
export function sanitizeSettings(value: unknown): RegistrySettings {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const out: RegistrySettings = {};
  if (isOneOf(AUTH_MODES, v.authMode) && v.authMode !== 'auto') out.authMode = v.authMode;
  const endpoint = typeof v.tokenEndpoint === 'string' ? v.tokenEndpoint.trim() : '';
  if (endpoint && !endpointProblem(endpoint)) out.tokenEndpoint = endpoint;
  if (isOneOf(UPLOAD_MODES, v.uploadMode) && v.uploadMode !== 'auto') out.uploadMode = v.uploadMode;
  if (chunkSizeOk(v.chunkSize)) out.chunkSize = v.chunkSize;
  if (maxBlobOk(v.maxBlobBytes)) out.maxBlobBytes = v.maxBlobBytes;
  if (v.trustRange === false) out.trustRange = false;
  if (isOneOf(REFERRERS_MODES, v.referrersMode) && v.referrersMode !== 'auto')
    out.referrersMode = v.referrersMode;
  if (timeoutOk(v.timeoutSeconds)) out.timeoutSeconds = v.timeoutSeconds;
  return out;
}
