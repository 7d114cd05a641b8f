/** OCI and Docker media types, the exact manifest Accept list, and canonical JSON (oci.md §3, kubewarden.md §12.3). */

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const OCI_ARTIFACT = 'application/vnd.oci.artifact.manifest.v1+json';
export const WASM_CONFIG = 'application/vnd.wasm.config.v1+json';
export const WASM_LAYER = 'application/vnd.wasm.content.layer.v1+wasm';
export const EMPTY_JSON = 'application/vnd.oci.empty.v1+json';
/** sha256 of the two bytes `{}`: the config of every kwctl push. */
export const EMPTY_CONFIG_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

/** The Accept value sent on every manifest GET/HEAD, exactly as oci.md §3 lists it. */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST, OCI_ARTIFACT].join(
  ', ',
);

/** The largest manifest distribution accepts (`maxManifestBodySize`). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export const isIndexType = (t: string | undefined) => t === OCI_INDEX || t === DOCKER_LIST;

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
