/** Small helpers shared by every library: digests, number formatting, hex dumps and the media-type table. */
export { sha256Hex, sha256HexOfParts, sha256Digest } from './digest';
export { formatBytes, formatNumber, formatOffset } from './format';
export { hexDump } from './hex';
export { MT, MANIFEST_MEDIA_TYPES, EMPTY_CONFIG_DIGEST, isIndexType } from './media-types';
export type { Explanation, ExplanationTable } from './explanation';
export { concat, concatParts } from './bytes';
export { parseCsp, workerCspProblem } from './csp';
export { yamlTooDeepAt, MAX_YAML_DEPTH } from './yaml-depth';
export { nextMacrotask } from './macrotask';
