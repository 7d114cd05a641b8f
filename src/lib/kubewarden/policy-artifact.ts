/**
 * kwctl's push and pull of a policy (kubewarden.md §12.2–12.5): the refusal rules, the artifact layout (manifest,
 * `{}` config, one raw wasm layer, canonical JSON) and the pull rules. The bytes travel through lib/oci, which knows
 * no artifact kind; the arrow runs kubewarden → oci.
 */
import { EMPTY_CONFIG_DIGEST, MT, sha256Digest } from '../common';
import {
  canonicalJson,
  pullArtifact,
  pushArtifact,
  RegistryError,
  type BuiltArtifact,
  type Descriptor,
  type Manifest,
  type ProgressFn,
  type PushedArtifact,
  type Reference,
  type RegistryClient,
} from '../oci';
import { isRego } from './backend';
import { buildOciAnnotations } from './oci-annotations';
import { readMetadata } from './read';
import type { Metadata } from './types';

/** What a push of these bytes would do. */
export interface PushCheck {
  allowed: boolean;
  /** Why it is refused (kwctl's text), when `allowed` is false. */
  reason?: string;
  /** Warnings to show (kwctl's texts, plus dropped multi-line annotations). */
  warnings: string[];
  annotated: boolean;
  rego: boolean;
  /** The manifest annotations kwctl would write (undefined: no `annotations` field). */
  annotations?: Record<string, string>;
}

export const UNANNOTATED_REFUSAL =
  'Cannot push a policy that is not annotated. Use `annotate` command or `push --force`';
export const REGO_REFUSAL = 'Rego policies cannot be pushed without metadata';
export const UNANNOTATED_WARNING = 'Warning: pushing a non-annotated policy!';

/**
 * Decides whether a policy may be pushed, from its metadata (the first section, as every reader takes; `null` when
 * unannotated) and whether it is Rego. Pass `metadataError` when the section exists but cannot be read.
 */
export function pushCheckFor(
  metadata: Metadata | null,
  rego: boolean,
  { force = false, metadataError }: { force?: boolean; metadataError?: string } = {},
): PushCheck {
  if (metadataError)
    return {
      allowed: false,
      reason: `The policy metadata cannot be read: ${metadataError}`,
      warnings: [],
      annotated: true,
      rego,
    };
  if (!metadata) {
    if (!force) return { allowed: false, reason: UNANNOTATED_REFUSAL, warnings: [], annotated: false, rego };
    if (rego) return { allowed: false, reason: REGO_REFUSAL, warnings: [], annotated: false, rego };
    return { allowed: true, warnings: [UNANNOTATED_WARNING], annotated: false, rego };
  }
  const { annotations, dropped } = buildOciAnnotations(metadata);
  const warnings = dropped.map(
    (k) => `The annotation ${k} has more than one line and is not added to the manifest.`,
  );
  return { allowed: true, warnings, annotated: true, rego, annotations };
}

/** {@link pushCheckFor} reading the module itself. */
export function checkPushAllowed(wasmBytes: Uint8Array, { force = false } = {}): PushCheck {
  let metadata: Metadata | null;
  try {
    metadata = readMetadata(wasmBytes)?.metadata ?? null;
  } catch (e) {
    return pushCheckFor(null, false, { metadataError: (e as Error).message });
  }
  return pushCheckFor(metadata, isRego(wasmBytes), { force });
}

/**
 * kwctl's artifact: no `mediaType` field, schemaVersion 2, config `{}` (wasm config type), one layer with the raw
 * bytes, `annotations` only when given. Canonical JSON, so the digest matches kwctl's. `layerDigest` is the
 * digest of `wasmBytes` when the caller already has it (the open document was hashed when it was opened).
 */
export async function buildPolicyArtifact(
  wasmBytes: Uint8Array,
  annotations?: Record<string, string>,
  layerDigest?: string,
): Promise<BuiltArtifact> {
  const configBytes = new TextEncoder().encode('{}') as Uint8Array<ArrayBuffer>;
  layerDigest ??= await sha256Digest(wasmBytes);
  const manifest = {
    schemaVersion: 2,
    config: { mediaType: MT.kubewardenConfig, digest: EMPTY_CONFIG_DIGEST, size: 2 },
    layers: [{ mediaType: MT.kubewardenLayer, digest: layerDigest, size: wasmBytes.length }],
    annotations,
  };
  const manifestBytes = new TextEncoder().encode(canonicalJson(manifest)) as Uint8Array<ArrayBuffer>;
  return {
    mediaType: MT.ociManifest,
    manifestBytes,
    manifestDigest: await sha256Digest(manifestBytes),
    blobs: [
      {
        digest: layerDigest,
        size: wasmBytes.length,
        mediaType: MT.kubewardenLayer,
        bytes: wasmBytes as Uint8Array<ArrayBuffer>,
      },
      { digest: EMPTY_CONFIG_DIGEST, size: 2, mediaType: MT.kubewardenConfig, bytes: configBytes },
    ],
  };
}

export interface PolicyPushResult extends PushedArtifact {
  manifestBytes: Uint8Array<ArrayBuffer>;
  /** kwctl's warnings (forced push, dropped multi-line annotations). */
  warnings: string[];
}

type RefInput = Reference | string;

export interface PolicyPushOptions {
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  check?: PushCheck;
  digest?: string;
  /** `wasmBytes` as a Blob, when the caller made one ahead (see UploadOptions.body). */
  body?: Blob;
  /** See PushOptions.beforeManifest: false ends the push with the blobs stored and the tag untouched. */
  beforeManifest?: (manifestDigest: string) => Promise<boolean>;
}

/**
 * Pushes a policy exactly as kwctl does: refusal rules (RegistryError `push-refused`), layout, annotations. Pass
 * `digest` (`sha256:…` of `wasmBytes`) when it is known; the registry checks it against the bytes it receives.
 * Resolves to null only when `beforeManifest` said no.
 */
export async function pushPolicy(
  client: RegistryClient,
  ref: RefInput,
  wasmBytes: Uint8Array,
  opts?: PolicyPushOptions & { beforeManifest?: undefined },
): Promise<PolicyPushResult>;
export async function pushPolicy(
  client: RegistryClient,
  ref: RefInput,
  wasmBytes: Uint8Array,
  opts: PolicyPushOptions,
): Promise<PolicyPushResult | null>;
export async function pushPolicy(
  client: RegistryClient,
  ref: RefInput,
  wasmBytes: Uint8Array,
  opts: PolicyPushOptions = {},
): Promise<PolicyPushResult | null> {
  const r = client.reference(ref);
  const check = opts.check ?? checkPushAllowed(wasmBytes, { force: opts.force });
  if (!check.allowed) throw new RegistryError('push-refused', check.reason ?? 'The push is refused.');
  // Without the digest, the module is hashed first (the manifest names it): its upload begins meanwhile.
  const session = opts.digest
    ? undefined
    : client.beginUpload(r, wasmBytes, { signal: opts.signal, body: opts.body });
  let built: BuiltArtifact;
  try {
    built = await buildPolicyArtifact(wasmBytes, check.annotations, opts.digest);
  } catch (e) {
    if (session) void client.dropUpload(r, session);
    throw e;
  }
  const blobs = built.blobs.map((b) => (b.bytes === wasmBytes ? { ...b, body: opts.body, session } : b));
  const pushed = await pushArtifact(
    client,
    r,
    { ...built, blobs },
    { signal: opts.signal, onProgress: opts.onProgress, beforeManifest: opts.beforeManifest },
  );
  return pushed && { ...pushed, manifestBytes: built.manifestBytes, warnings: check.warnings };
}

export interface PolicyPullResult {
  bytes: Uint8Array<ArrayBuffer>;
  manifest: Manifest;
  manifestBytes: Uint8Array<ArrayBuffer>;
  /** Digest of the image manifest (not of an index that led to it). */
  digest: string;
  /** Digest of the index when the reference named one. */
  indexDigest?: string;
  layer: Descriptor;
}

/** An index is followed only with exactly one entry, or exactly one entry with architecture `wasm` (§12.5). */
function pickPolicyEntry(index: Manifest): Descriptor {
  const entries = index.manifests ?? [];
  if (entries.length === 1) return entries[0];
  const wasm = entries.filter((d) => d.platform?.architecture === 'wasm');
  if (wasm.length === 1) return wasm[0];
  throw new RegistryError(
    'unsupported',
    `The reference names an image index with ${entries.length} entries and ${wasm.length} for architecture "wasm"; ` +
      'pick one entry by digest.',
  );
}

/** kwctl's layer rules: at least one layer, every layer a wasm layer; the first one is the policy. */
function selectPolicyLayer(manifest: Manifest): Descriptor[] {
  const layers = manifest.layers ?? [];
  if (!layers.length)
    throw new RegistryError('unsupported', 'The artifact has no layers, so it holds no policy.');
  const other = layers.find((l) => l.mediaType !== MT.kubewardenLayer);
  if (other)
    throw new RegistryError(
      'unsupported',
      `The artifact has a layer of type ${other.mediaType}; a Kubewarden policy has only ${MT.kubewardenLayer} layers.`,
    );
  return [layers[0]];
}

/** Pulls a policy: resolves an index to its wasm entry, checks every digest and the wasm magic. */
export async function pullPolicy(
  client: RegistryClient,
  ref: RefInput,
  opts: { signal?: AbortSignal; onProgress?: ProgressFn } = {},
): Promise<PolicyPullResult> {
  const pulled = await pullArtifact(client, client.reference(ref), {
    ...opts,
    pickFromIndex: pickPolicyEntry,
    select: selectPolicyLayer,
  });
  const { descriptor: layer, bytes } = pulled.blobs[0];
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new RegistryError('unsupported', 'The policy layer is not a WebAssembly binary (no \\0asm magic).');
  return {
    bytes,
    manifest: pulled.fetched.manifest,
    manifestBytes: pulled.fetched.bytes,
    digest: pulled.fetched.digest,
    indexDigest: pulled.indexDigest,
    layer,
  };
}
