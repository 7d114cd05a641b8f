/** pushPolicy / pullPolicy: kwctl's artifact layout and pull rules (kubewarden.md §12.2–12.5). */
import { uploadBlob, getBlob, type ProgressFn, type UploadOptions } from './blobs';
import { RegistryError } from './errors';
import { getManifest, putManifest } from './manifests';
import { isIndexType, WASM_LAYER, type Descriptor, type Manifest } from './media-types';
import { buildPolicyManifest } from './policy-manifest';
import { assertPushAllowed } from './push-rules';
import { immutableReference, type Reference } from './reference';
import type { Transport } from './transport';

export interface PushResult {
  digest: string;
  /** `registry/repository@sha256:…` */
  immutableRef: string;
  manifestBytes: Uint8Array<ArrayBuffer>;
  /** kwctl's warnings (forced push, dropped multi-line annotations). */
  warnings: string[];
  /** How the wasm layer went: `existing` (HEAD dedup), `monolithic` or `chunked`. */
  layerUpload: 'existing' | 'monolithic' | 'chunked';
}

export interface PullResult {
  bytes: Uint8Array<ArrayBuffer>;
  manifest: Manifest;
  manifestBytes: Uint8Array<ArrayBuffer>;
  /** Digest of the image manifest (not of an index that led to it). */
  digest: string;
  /** Digest of the index when the reference named one. */
  indexDigest?: string;
  layer: Descriptor;
}

/** Layer, then config, then the manifest under the tag (or digest). Progress covers both blobs. */
export async function pushPolicy(
  t: Transport,
  ref: Reference,
  wasmBytes: Uint8Array,
  opts: UploadOptions & { force?: boolean; onProgress?: ProgressFn } = {},
): Promise<PushResult> {
  const check = assertPushAllowed(wasmBytes, { force: opts.force });
  for (const w of check.warnings) t.onWarning?.(w);
  const built = await buildPolicyManifest(wasmBytes, check.annotations);
  if (ref.digest && ref.digest !== built.digest && !ref.tag)
    throw new RegistryError(
      'invalid-reference',
      `The reference names ${ref.digest}, but this policy is ${built.digest}.`,
    );
  const total = wasmBytes.length + built.configBytes.length;
  const layer = await uploadBlob(t, ref.repository, wasmBytes, {
    ...opts,
    digest: built.layerDigest,
    onProgress: (done) => opts.onProgress?.(done, total),
  });
  await uploadBlob(t, ref.repository, built.configBytes, {
    ...opts,
    mode: 'monolithic',
    onProgress: (done) => opts.onProgress?.(wasmBytes.length + done, total),
  });
  const digest = await putManifest(
    t,
    ref.repository,
    ref.tag ?? built.digest,
    built.manifestBytes,
    built.mediaType,
    opts.signal,
  );
  return {
    digest,
    immutableRef: immutableReference(ref, digest),
    manifestBytes: built.manifestBytes,
    warnings: check.warnings,
    layerUpload: layer.method,
  };
}

/** An index is followed only with exactly one entry, or exactly one entry with architecture `wasm`. */
function pickIndexEntry(index: Manifest): Descriptor {
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

/** Pulls a policy: every layer must be a wasm layer; the first one is verified and returned. */
export async function pullPolicy(
  t: Transport,
  ref: Reference,
  opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {},
): Promise<PullResult> {
  let fetched = await getManifest(t, ref.repository, ref.digest ?? ref.tag ?? 'latest', opts.signal);
  let indexDigest: string | undefined;
  if (isIndexType(fetched.mediaType) || Array.isArray(fetched.manifest.manifests)) {
    indexDigest = fetched.digest;
    const entry = pickIndexEntry(fetched.manifest);
    fetched = await getManifest(t, ref.repository, entry.digest, opts.signal);
    if (fetched.bytes.length !== entry.size)
      throw new RegistryError(
        'digest-mismatch',
        `The index says ${entry.digest} has ${entry.size} bytes, not ${fetched.bytes.length}.`,
      );
  }
  const layers = fetched.manifest.layers ?? [];
  if (!layers.length)
    throw new RegistryError('unsupported', 'The artifact has no layers, so it holds no policy.');
  const other = layers.find((l) => l.mediaType !== WASM_LAYER);
  if (other)
    throw new RegistryError(
      'unsupported',
      `The artifact has a layer of type ${other.mediaType}; a Kubewarden policy has only ${WASM_LAYER} layers.`,
    );
  const layer = layers[0];
  const bytes = await getBlob(t, ref.repository, layer.digest, layer.size, opts);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new RegistryError('unsupported', 'The policy layer is not a WebAssembly binary (no \\0asm magic).');
  return {
    bytes,
    manifest: fetched.manifest,
    manifestBytes: fetched.bytes,
    digest: fetched.digest,
    indexDigest,
    layer,
  };
}
