/** Recognises what an OCI manifest or index holds (oci.md §10): Kubewarden, Wasm, Kyverno, Flux, Helm, signatures… */
import { MT, WASM_LAYER_TYPES } from './media-types';

export type ArtifactKind =
  | 'kubewarden-policy'
  | 'wasm'
  | 'kyverno'
  | 'kyverno-bundle'
  | 'flux'
  | 'helm'
  | 'cosign-signature'
  | 'sigstore-bundle'
  | 'image'
  | 'index'
  | 'unknown';

/** The manifest shape, from its `mediaType` (or, when absent, from its fields). */
export type ManifestForm =
  'oci-index' | 'docker-list' | 'oci-manifest' | 'docker-manifest' | 'oci-artifact' | 'other';

/** A descriptor as read from untrusted JSON: every field checked, none assumed. */
export interface DescriptorInfo {
  mediaType: string;
  digest: string;
  size: number | null;
  artifactType: string | null;
  annotations: Record<string, string>;
  platform: string | null;
  /** `org.opencontainers.image.title`, the file name ORAS and Kubewarden tooling record. */
  title: string | null;
}

export interface Recognition {
  kind: ArtifactKind;
  /** A short human label for the badge, e.g. "Kyverno policies (2)". */
  label: string;
  form: ManifestForm;
  /** `artifactType ?? config.mediaType`, the value recognition matched on. */
  typeKey: string | null;
  config: DescriptorInfo | null;
  layers: DescriptorInfo[];
  /** Child manifests of an index. */
  manifests: DescriptorInfo[];
  subject: DescriptorInfo | null;
  annotations: Record<string, string>;
  /** Things a person should know: schema 1, a mismatch between content type and body, odd layers. */
  notes: string[];
}

const INDEX_TYPES = new Set<string>([MT.ociIndex, MT.dockerList]);
const IMAGE_CONFIGS = new Set<string>([MT.ociImageConfig, MT.dockerImageConfig]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Reads one descriptor, or null when it lacks a media type or digest. */
export function readDescriptor(v: unknown): DescriptorInfo | null {
  if (!isRecord(v)) return null;
  const mediaType = str(v.mediaType);
  const digest = str(v.digest);
  if (mediaType === null || digest === null) return null;
  const size = typeof v.size === 'number' && Number.isSafeInteger(v.size) && v.size >= 0 ? v.size : null;
  const annotations = stringMap(v.annotations);
  let platform: string | null = null;
  if (isRecord(v.platform)) {
    const p = v.platform;
    platform = [str(p.os), str(p.architecture), str(p.variant)].filter((x) => x).join('/') || null;
  }
  return {
    mediaType,
    digest,
    size,
    artifactType: str(v.artifactType),
    annotations,
    platform,
    title: annotations['org.opencontainers.image.title'] ?? null,
  };
}

function readList(v: unknown): DescriptorInfo[] {
  if (!Array.isArray(v)) return [];
  return v.map(readDescriptor).filter((d): d is DescriptorInfo => d !== null);
}

function formOf(mediaType: string | null, m: Record<string, unknown>): ManifestForm {
  switch (mediaType) {
    case MT.ociIndex:
      return 'oci-index';
    case MT.dockerList:
      return 'docker-list';
    case MT.ociManifest:
      return 'oci-manifest';
    case MT.dockerManifest:
      return 'docker-manifest';
    case MT.ociArtifactManifest:
      return 'oci-artifact';
  }
  // OCI allows an absent mediaType: fall back to the fields (image-spec "Guidance for an empty descriptor").
  if (mediaType === null && Array.isArray(m.manifests)) return 'oci-index';
  if (mediaType === null && isRecord(m.config)) return 'oci-manifest';
  return 'other';
}

function parseConfig(configBytes: Uint8Array | undefined): Record<string, unknown> | null {
  if (!configBytes || configBytes.length > 1 << 20) return null;
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(configBytes));
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Recognises the artifact kind of a parsed manifest or index. `mediaType` is the response Content-Type (used when
 * the body has none); `configBytes`, when already fetched, refines labels (platform, Wasm component).
 */
export function recognizeArtifact(
  manifest: unknown,
  options: { mediaType?: string; configBytes?: Uint8Array } = {},
): Recognition {
  const m = isRecord(manifest) ? manifest : {};
  const bodyType = str(m.mediaType);
  const headerType = options.mediaType?.split(';')[0]!.trim() || null;
  const notes: string[] = [];
  if (bodyType && headerType && bodyType !== headerType)
    notes.push(`The body's mediaType ${bodyType} differs from the Content-Type ${headerType}.`);
  const form = formOf(bodyType ?? headerType, m);
  const base: Recognition = {
    kind: 'unknown',
    label: 'Generic OCI artifact',
    form,
    typeKey: null,
    config: readDescriptor(m.config),
    layers: readList(form === 'oci-artifact' ? m.blobs : m.layers),
    manifests: readList(m.manifests),
    subject: readDescriptor(m.subject),
    annotations: stringMap(m.annotations),
    notes,
  };
  if (!isRecord(manifest)) {
    notes.push('The manifest is not a JSON object.');
    return { ...base, label: 'Not a manifest' };
  }
  if (m.schemaVersion === 1 || bodyType === MT.dockerSchema1 || bodyType === MT.dockerSchema1Signed) {
    notes.push('Docker schema 1 manifests are not supported.');
    return { ...base, label: 'Docker schema 1 (unsupported)' };
  }
  if (form === 'oci-index' || form === 'docker-list' || INDEX_TYPES.has(bodyType ?? '')) {
    const n = base.manifests.length;
    const platforms = base.manifests.filter((d) => d.platform).length;
    const what = platforms > 0 && platforms === n ? 'Multi-platform image index' : 'Index';
    return {
      ...base,
      kind: 'index',
      label: `${what} (${plural(n, 'manifest')})`,
      typeKey: str(m.artifactType),
    };
  }
  const typeKey = str(m.artifactType) ?? base.config?.mediaType ?? null;
  return classifyManifest({ ...base, typeKey }, parseConfig(options.configBytes));
}

function classifyManifest(r: Recognition, config: Record<string, unknown> | null): Recognition {
  const layerTypes = r.layers.map((l) => l.mediaType);
  const has = (t: string) => layerTypes.includes(t);
  const count = (t: string) => layerTypes.filter((x) => x === t).length;
  const key = r.typeKey ?? '';
  if (key === MT.kubewardenConfig) {
    if (!has(MT.kubewardenLayer)) r.notes.push('No application/vnd.wasm.content.layer.v1+wasm layer.');
    return { ...r, kind: 'kubewarden-policy', label: 'Kubewarden policy' };
  }
  if (key === MT.wasmConfigV0) {
    const component = config && isRecord(config.component);
    const os = config ? str(config.os) : null;
    const what = component ? 'Wasm component' : 'Wasm module';
    return { ...r, kind: 'wasm', label: os ? `${what} (${os})` : what };
  }
  if (key === MT.soloConfig) return { ...r, kind: 'wasm', label: 'Wasm module (solo.io / Envoy)' };
  if (key === MT.kyvernoConfig)
    return { ...r, kind: 'kyverno', label: `Kyverno policies (${count(MT.kyvernoLayer)})` };
  if (key === MT.kyvernoBundleConfig) return { ...r, kind: 'kyverno-bundle', label: 'Kyverno bundle' };
  if (key === MT.fluxConfig) return { ...r, kind: 'flux', label: 'Flux artifact' };
  if (key === MT.helmConfig) {
    const name = config ? str(config.name) : null;
    const version = config ? str(config.version) : null;
    return {
      ...r,
      kind: 'helm',
      label: name ? `Helm chart ${name}${version ? ` ${version}` : ''}` : 'Helm chart',
    };
  }
  if (key.startsWith(MT.sigstoreBundlePrefix))
    return { ...r, kind: 'sigstore-bundle', label: 'Sigstore bundle' };
  if (has(MT.cosignSimpleSigning))
    return { ...r, kind: 'cosign-signature', label: `Cosign signature (${count(MT.cosignSimpleSigning)})` };
  if (layerTypes.length > 0 && layerTypes.every((t) => t === MT.dsseEnvelope))
    return { ...r, kind: 'cosign-signature', label: `Cosign attestation (${layerTypes.length})` };
  if (layerTypes.some((t) => WASM_LAYER_TYPES.includes(t)) && (IMAGE_CONFIGS.has(key) || key === MT.empty)) {
    const compat = r.layers.some((l) => l.annotations['module.wasm.image/variant'] === 'compat');
    return { ...r, kind: 'wasm', label: compat ? 'Wasm module (compat image)' : 'Wasm in an image layout' };
  }
  if (IMAGE_CONFIGS.has(key)) {
    const platform = config ? [str(config.os), str(config.architecture)].filter((x) => x).join('/') : '';
    return { ...r, kind: 'image', label: platform ? `Container image (${platform})` : 'Container image' };
  }
  const titled = r.layers.filter((l) => l.title).length;
  const label = titled > 0 ? `Generic OCI artifact (${plural(titled, 'file')})` : 'Generic OCI artifact';
  return { ...r, kind: 'unknown', label };
}
