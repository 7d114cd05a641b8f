/** Small helpers shared by every library: digests and number formatting. */
export { sha256Hex, sha256Digest } from './digest';
export { formatBytes, formatOffset } from './format';
export { hexDump } from './hex';
