/**
 * Push and pull of any built artifact (manifest bytes, config and layer blobs). The artifact kinds (Kubewarden in
 * lib/kubewarden, Kyverno and Flux in lib/artifacts) build their layouts and hand them here, so this module knows
 * no kind: it only moves verified bytes.
 */
import { isIndexType } from '../common';
import type { PendingUpload, ProgressFn, UploadOptions } from './blobs';
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
  /** The same bytes as a Blob, when the caller has one: the request body, instead of a copy made at upload time. */
  body?: Blob;
  /** An upload session opened for this blob ahead of the push (see UploadOptions.session). */
  session?: PendingUpload;
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

/** At most this many blobs travel at once (oci.md §4). */
const PARALLEL_BLOBS = 3;

/**
 * Runs `work` on every item, PARALLEL_BLOBS at a time; results keep the items' order. The first failure wins and
 * aborts the signal the others got, so nothing keeps travelling for a transfer that already failed.
 */
async function eachBlob<T, R>(
  items: T[],
  signal: AbortSignal | undefined,
  work: (item: T, i: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const failed = new AbortController();
  const laneSignal = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i, laneSignal);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_BLOBS, items.length) }, lane));
  } catch (e) {
    failed.abort();
    throw e;
  }
  return results;
}

/** Progress of several transfers at once as one sum: each reports its own bytes done. */
function progressSum(total: number, onProgress?: TransferOptions['onProgress']) {
  const done = new Map<number, number>();
  let sum = 0;
  return (i: number, bytes: number) => {
    sum += bytes - (done.get(i) ?? 0);
    done.set(i, bytes);
    onProgress?.(sum, total);
  };
}

export interface PushOptions extends TransferOptions, Pick<UploadOptions, 'mode'> {
  /**
   * Asked once every blob is in, before the manifest (what a tag names) is written; false ends the push there, with
   * the blobs stored and no tag touched. A caller that checks a tag asks here, so the check travels beside the blobs.
   */
  beforeManifest?: (manifestDigest: string) => Promise<boolean>;
}

/**
 * Pushes blobs first (up to three at once), then the manifest under the reference's tag (or digest), so a
 * manifest never names a missing blob (oci.md §3). Blobs at or under 64 KiB go monolithic: a chunked session
 * would only add round trips. Resolves to null only when `beforeManifest` said no.
 */
export async function pushArtifact(
  client: RegistryClient,
  ref: Reference,
  built: BuiltArtifact,
  opts?: PushOptions & { beforeManifest?: undefined },
): Promise<PushedArtifact>;
export async function pushArtifact(
  client: RegistryClient,
  ref: Reference,
  built: BuiltArtifact,
  opts: PushOptions,
): Promise<PushedArtifact | null>;
export async function pushArtifact(
  client: RegistryClient,
  ref: Reference,
  built: BuiltArtifact,
  { signal, onProgress, beforeManifest, ...upload }: PushOptions = {},
): Promise<PushedArtifact | null> {
  if (ref.digest && !ref.tag && ref.digest !== built.manifestDigest)
    throw new RegistryError(
      'invalid-reference',
      `The reference names ${ref.digest}, but this artifact is ${built.manifestDigest}.`,
    );
  const total = built.blobs.reduce((n, b) => n + b.size, 0);
  const progress = progressSum(total, onProgress);
  const results = await eachBlob(built.blobs, signal, async (b, i, laneSignal) => {
    const result = await client.uploadBlob(ref, b.bytes, {
      ...upload,
      ...(b.size <= 64 * 1024 ? { mode: 'monolithic' as const } : {}),
      digest: b.digest,
      body: b.body,
      session: b.session,
      signal: laneSignal,
      onProgress: (done) => progress(i, done),
    });
    progress(i, b.size);
    return result;
  });
  if (beforeManifest && !(await beforeManifest(built.manifestDigest))) return null;
  const digest = await client.putManifest(
    { ...ref, digest: undefined, tag: ref.tag ?? built.manifestDigest },
    built.manifestBytes,
    built.mediaType,
    signal,
  );
  return { digest, immutableRef: immutableReference(ref, digest), uploads: results.map((r) => r.method) };
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
  const progress = progressSum(
    wanted.reduce((n, d) => n + d.size, 0),
    onProgress,
  );
  const blobs: PulledArtifact['blobs'] = await eachBlob(
    wanted,
    signal,
    async (descriptor, i, laneSignal) => ({
      descriptor,
      bytes: await client.getBlob(ref, descriptor, {
        signal: laneSignal,
        onProgress: (done) => progress(i, done),
      }),
    }),
  );
  return { fetched, indexDigest, blobs };
}
