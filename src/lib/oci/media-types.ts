/** Manifest shapes, the exact manifest Accept list and canonical JSON (oci.md §3). Media types live in lib/common. */
import { MANIFEST_MEDIA_TYPES } from '../common';

/** The Accept value sent on every manifest GET/HEAD, exactly as oci.md §3 lists it. */
export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

/** The largest manifest distribution accepts (`maxManifestBodySize`). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A content descriptor (IS descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: { architecture?: string; os?: string; variant?: string };
  urls?: string[];
}

/** An image manifest or an index, as parsed (raw bytes are kept separately by the callers). */
export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** Canonical JSON: object keys sorted by code unit, no whitespace (as serde_json with BTreeMap-sorted keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** Checks the shape of a parsed manifest or index enough to use it safely; returns an error text or null. */
export function manifestProblem(m: unknown): string | null {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'it is not a JSON object';
  const x = m as Manifest;
  if (x.schemaVersion !== 2) return `schemaVersion is ${JSON.stringify(x.schemaVersion)}, not 2`;
  const checkDesc = (d: unknown, where: string) => {
    if (typeof d !== 'object' || d === null) return `${where} is not an object`;
    const dd = d as Descriptor;
    if (typeof dd.mediaType !== 'string') return `${where}.mediaType is missing`;
    if (typeof dd.digest !== 'string' || !/^[a-z0-9]+:[a-f0-9]+$/.test(dd.digest))
      return `${where}.digest is not a digest`;
    if (!Number.isSafeInteger(dd.size) || dd.size < 0) return `${where}.size is not a non-negative integer`;
    return null;
  };
  if (x.manifests !== undefined) {
    if (!Array.isArray(x.manifests)) return 'manifests is not an array';
    for (const [i, d] of x.manifests.entries()) {
      const p = checkDesc(d, `manifests[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (x.config !== undefined) {
    const p = checkDesc(x.config, 'config');
    if (p) return p;
  }
  if (x.layers !== undefined) {
    if (!Array.isArray(x.layers)) return 'layers is not an array';
    for (const [i, d] of x.layers.entries()) {
      const p = checkDesc(d, `layers[${i}]`);
      if (p) return p;
    }
  }
  return null;
}
