/**
 * Push and pull of any built artifact (manifest bytes, config and layer blobs). The artifact kinds (Kubewarden in
 * lib/kubewarden, Kyverno and Flux in lib/artifacts) build their layouts and hand them here, so this module knows
 * no kind: it only moves verified bytes.
 */
import { isIndexType } from '../common';
import type { ProgressFn, UploadOptions } from './blobs';
import type { RegistryClient } from './client';
import { RegistryError } from './errors';
import type { FetchedManifest } from './manifests';
import type { Descriptor, Manifest } from './media-types';
import { immutableReference, type Reference } from './reference';

/** One blob of a built artifact, with its digest computed by the builder. */
export interface ArtifactBlob {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** An artifact ready to push: every blob (config included), then the manifest bytes that name them. */
export interface BuiltArtifact {
  mediaType: string;
  manifestBytes: Uint8Array<ArrayBuffer>;
  manifestDigest: string;
  /** Uploaded in this order, before the manifest. */
  blobs: ArtifactBlob[];
}

export interface TransferOptions {
  signal?: AbortSignal;
  /** Bytes done of the total of every blob; skipped blobs count as done at once. */
  onProgress?: ProgressFn;
}

export interface PushedArtifact {
  digest: string;
  /** `registry/repository@sha256:…`, the reference that stays true. */
  immutableRef: string;
  /** How each blob went, in upload order. */
  uploads: ('existing' | 'monolithic' | 'chunked')[];
}

/**
 * Pushes blobs first, then the manifest under the reference's tag (or digest), so a manifest never names a missing
 * blob (oci.md §3). Blobs at or under 64 KiB go monolithic: a chunked session would only add round trips.
 */
export async function pushArtifact(
  client: RegistryClient,
  ref: Reference,
  built: BuiltArtifact,
  { signal, onProgress, ...upload }: TransferOptions & Pick<UploadOptions, 'mode'> = {},
): Promise<PushedArtifact> {
  if (ref.digest && !ref.tag && ref.digest !== built.manifestDigest)
    throw new RegistryError(
      'invalid-reference',
      `The reference names ${ref.digest}, but this artifact is ${built.manifestDigest}.`,
    );
  const total = built.blobs.reduce((n, b) => n + b.size, 0);
  let before = 0;
  const uploads: PushedArtifact['uploads'] = [];
  for (const b of built.blobs) {
    const start = before;
    const result = await client.uploadBlob(ref, b.bytes, {
      ...upload,
      ...(b.size <= 64 * 1024 ? { mode: 'monolithic' as const } : {}),
      digest: b.digest,
      signal,
      onProgress: (done) => onProgress?.(start + done, total),
    });
    uploads.push(result.method);
    before += b.size;
    onProgress?.(before, total);
  }
  const digest = await client.putManifest(
    { ...ref, digest: undefined, tag: ref.tag ?? built.manifestDigest },
    built.manifestBytes,
    built.mediaType,
    signal,
  );
  return { digest, immutableRef: immutableReference(ref, digest), uploads };
}

export interface PullOptions extends TransferOptions {
  /**
   * Picks the child of an image index to follow; without it an index is returned as it is (no blobs). Throw a
   * RegistryError to refuse the index.
   */
  pickFromIndex?: (index: Manifest) => Descriptor;
  /** Checks the manifest before any blob is fetched and returns the blobs to download (default: none). */
  select?: (manifest: Manifest, fetched: FetchedManifest) => Descriptor[];
}

export interface PulledArtifact {
  /** The image manifest (or the index itself when it was not followed). */
  fetched: FetchedManifest;
  /** The index's digest, when the reference named one that was followed. */
  indexDigest?: string;
  /** The selected blobs' verified bytes, in the order `select` gave. */
  blobs: { descriptor: Descriptor; bytes: Uint8Array<ArrayBuffer> }[];
}

/** Fetches a manifest (following an index child when asked), then the selected blobs, each verified by digest and size. */
export async function pullArtifact(
  client: RegistryClient,
  ref: Reference,
  { signal, onProgress, pickFromIndex, select }: PullOptions = {},
): Promise<PulledArtifact> {
  let fetched = await client.getManifest(ref, signal);
  let indexDigest: string | undefined;
  if (pickFromIndex && (isIndexType(fetched.mediaType) || Array.isArray(fetched.manifest.manifests))) {
    indexDigest = fetched.digest;
    const entry = pickFromIndex(fetched.manifest);
    fetched = await client.getManifest({ ...ref, tag: undefined, digest: entry.digest }, signal);
    if (fetched.bytes.length !== entry.size)
      throw new RegistryError(
        'size-mismatch',
        `The index says ${entry.digest} has ${entry.size} bytes, not ${fetched.bytes.length}.`,
      );
  }
  const wanted = select?.(fetched.manifest, fetched) ?? [];
  const total = wanted.reduce((n, d) => n + d.size, 0);
  let before = 0;
  const blobs: PulledArtifact['blobs'] = [];
  for (const descriptor of wanted) {
    const start = before;
    const bytes = await client.getBlob(ref, descriptor, {
      signal,
      onProgress: (done) => onProgress?.(start + done, total),
    });
    blobs.push({ descriptor, bytes });
    before += descriptor.size;
  }
  return { fetched, indexDigest, blobs };
}
