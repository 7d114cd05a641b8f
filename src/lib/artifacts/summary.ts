/**
 * One line per tag, as a registry browser lists it: the kind badge, the total size from the descriptors and the
 * creation date, read from the manifest alone (and the config blob of an image, whose date lives there).
 */
import { MT } from './media-types';
import { recognizeArtifact, type ArtifactKind, type DescriptorInfo, type Recognition } from './recognize';

/** The short badge of each kind in a tag list. Kinds of the same family share one badge. */
export const KIND_BADGES: Readonly<Record<ArtifactKind, string>> = {
  'kubewarden-policy': 'Kubewarden',
  wasm: 'Wasm',
  kyverno: 'Kyverno',
  'kyverno-bundle': 'Kyverno',
  flux: 'Flux',
  helm: 'Helm',
  'cosign-signature': 'Signature',
  'sigstore-bundle': 'Signature',
  image: 'Image',
  index: 'Index',
  unknown: 'OCI artifact',
};

/** The image-spec annotation for the creation time (RFC 3339). */
export const KEY_CREATED = 'org.opencontainers.image.created';

/** Image configs are read for their `created` field only up to this size; larger ones are not worth a row. */
export const MAX_SUMMARY_CONFIG_BYTES = 256 * 1024;

export interface ArtifactSummary {
  kind: ArtifactKind;
  badge: string;
  /** The longer label of the recognition ("Helm chart demo 1.2.0"). */
  label: string;
  /** Config plus layers, from the descriptors; null for an index (sizes are per platform) or a missing size. */
  size: number | null;
  /** The creation time as written, and as milliseconds for sorting; null when the artifact has none. */
  created: string | null;
  createdMs: number | null;
  createdFrom: 'annotation' | 'config' | null;
  /** Manifest annotations (strings only). */
  annotations: Record<string, string>;
  /** The config blob to fetch for the date: a container image's config, when no annotation has one. */
  configToRead: DescriptorInfo | null;
  recognition: Recognition;
}

const IMAGE_CONFIGS: readonly string[] = [MT.ociImageConfig, MT.dockerImageConfig];

/** A date text and its time, or null when it is not a date (registries and tools write what they like). */
function readDate(text: unknown): { text: string; ms: number } | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? { text, ms } : null;
}

function configCreated(configBytes: Uint8Array | undefined): unknown {
  if (!configBytes || configBytes.length > MAX_SUMMARY_CONFIG_BYTES) return undefined;
  try {
    const config: unknown = JSON.parse(new TextDecoder().decode(configBytes));
    return typeof config === 'object' && config !== null
      ? (config as { created?: unknown }).created
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Summarises a parsed manifest or index (untrusted JSON). `configBytes`, when the caller fetched the config named by
 * `configToRead`, supplies an image's date. Never throws.
 */
export function summarizeArtifact(
  manifest: unknown,
  options: { mediaType?: string; configBytes?: Uint8Array } = {},
): ArtifactSummary {
  const recognition = recognizeArtifact(manifest, options);
  const { kind, config, layers, annotations } = recognition;
  let size: number | null = null;
  if (kind !== 'index') {
    const parts = [...(config ? [config] : []), ...layers];
    size = parts.every((d) => d.size !== null) ? parts.reduce((n, d) => n + d.size!, 0) : null;
  }
  const fromAnnotation = readDate(annotations[KEY_CREATED]);
  const fromConfig = fromAnnotation ? null : readDate(configCreated(options.configBytes));
  const date = fromAnnotation ?? fromConfig;
  const wantsConfig =
    !fromAnnotation &&
    !options.configBytes &&
    kind === 'image' &&
    config !== null &&
    IMAGE_CONFIGS.includes(config.mediaType) &&
    config.size !== null &&
    config.size <= MAX_SUMMARY_CONFIG_BYTES;
  return {
    kind,
    badge: KIND_BADGES[kind],
    label: recognition.label,
    size,
    created: date?.text ?? null,
    createdMs: date?.ms ?? null,
    createdFrom: fromAnnotation ? 'annotation' : fromConfig ? 'config' : null,
    annotations,
    configToRead: wantsConfig ? config : null,
    recognition,
  };
}
