/**
 * What moving one reference involves, as `crane copy` / `skopeo copy --all` see it plus what cosign and ORAS carry:
 * its manifest, an index's every child, every config and layer, and the cosign `.sig`/`.att`/`.sbom` tags and
 * referrers attached to any of those manifests (and to the attachments themselves, a few levels deep).
 */
import { ArtifactError, throwIfAborted } from '../artifacts';
import { isIndexType } from '../common';
import type { Descriptor, FetchedManifest, ProgressFn } from '../oci';

/** A blob as a reader hands it over: bytes, or a Blob the browser may keep out of script memory. */
export type BlobData = Uint8Array<ArrayBuffer> | Blob;

/** An attachment of a manifest: a cosign tag in the same repository, or a referrer found by its `subject`. */
export interface Attachment {
  kind: 'tag' | 'referrer';
  /** The tag (kind `tag`) or the referrer's manifest digest. */
  target: string;
  /** The manifest digest, when known: it is then read by digest (and verified), not by tag. */
  digest?: string | null;
}

/** Where content is read from: one registry repository, or an opened layout. */
export interface ContentReader {
  /** A manifest by tag or digest; one fetched by digest is verified against it. */
  manifest(target: string, signal?: AbortSignal): Promise<FetchedManifest>;
  /** The cosign tags and referrers attached to a manifest digest. */
  attachments(digest: string, signal?: AbortSignal): Promise<Attachment[]>;
  /** A blob, verified against its descriptor. */
  readBlob(
    d: Descriptor,
    as: 'bytes' | 'blob',
    o: { signal?: AbortSignal; onProgress?: ProgressFn },
  ): Promise<BlobData>;
  /** The registry repository the content lives in, so a copy on the same registry can mount from it. */
  readonly location?: { registry: string; repository: string };
}

export type PlannedRole = 'root' | 'child' | 'signature' | 'referrer';

export interface PlannedManifest {
  fetched: FetchedManifest;
  /** The tag to write it under; null writes it by digest. */
  tag: string | null;
  role: PlannedRole;
  /** For a signature or referrer: the manifest it is attached to. */
  subject: string | null;
}

export interface TransferPlan {
  /** In write order: after their blobs, children before their index, attachments after what they attach to. */
  manifests: PlannedManifest[];
  /** Every config and layer once. */
  blobs: Descriptor[];
  /** Bytes of the blobs. */
  bytes: number;
}

/** How deep indexes may nest, and how many rounds of attachments-of-attachments are followed. */
const MAX_INDEX_DEPTH = 8;
const MAX_ATTACHMENT_ROUNDS = 3;

/** Foreign layers (Windows base images) live elsewhere by design; copies leave them out as skopeo does. */
const isForeign = (d: Descriptor) => !!d.urls?.length && d.mediaType.includes('foreign');

/**
 * Plans moving `root.source` (a tag or digest) to `root.tag` (null: by digest). Reads only manifests; no blob is
 * read until the plan is carried out, so a broken or lying source fails before anything is written.
 */
export async function planTransfer(
  reader: ContentReader,
  root: { source: string; tag: string | null },
  { signal, attachments = true }: { signal?: AbortSignal; attachments?: boolean } = {},
): Promise<TransferPlan> {
  const manifests: PlannedManifest[] = [];
  const blobs = new Map<string, Descriptor>();
  const placed = new Set<string>();

  const place = async (item: PlannedManifest, depth: number): Promise<void> => {
    throwIfAborted(signal);
    const { fetched } = item;
    const key = `${fetched.digest} ${item.tag ?? ''}`;
    if (placed.has(key)) return;
    placed.add(key);
    if (depth > MAX_INDEX_DEPTH)
      throw new ArtifactError('bad-manifest', 'Image indexes nest too deeply', fetched.digest);
    if (isIndexType(fetched.mediaType) || Array.isArray(fetched.manifest.manifests)) {
      for (const child of fetched.manifest.manifests ?? []) {
        const c = await reader.manifest(child.digest, signal);
        if (c.bytes.length !== child.size)
          throw new ArtifactError(
            'size-mismatch',
            `The index says ${child.digest} has ${child.size} bytes, not ${c.bytes.length}`,
            fetched.digest,
          );
        await place({ fetched: c, tag: null, role: 'child', subject: null }, depth + 1);
      }
    } else {
      for (const d of [fetched.manifest.config, ...(fetched.manifest.layers ?? [])])
        if (d && !isForeign(d) && !blobs.has(d.digest)) blobs.set(d.digest, d);
    }
    manifests.push(item);
  };

  const top = await reader.manifest(root.source, signal);
  await place({ fetched: top, tag: root.tag, role: 'root', subject: null }, 0);
  const looked = new Set<string>();
  let frontier = manifests.map((m) => m.fetched.digest);
  for (let round = 0; attachments && round < MAX_ATTACHMENT_ROUNDS && frontier.length; round++) {
    const next: string[] = [];
    for (const subject of frontier) {
      if (looked.has(subject)) continue;
      looked.add(subject);
      for (const a of await reader.attachments(subject, signal)) {
        const before = manifests.length;
        const fetched = await reader.manifest(a.digest ?? a.target, signal);
        const tag = a.kind === 'tag' ? a.target : null;
        await place({ fetched, tag, role: tag ? 'signature' : 'referrer', subject }, 0);
        next.push(...manifests.slice(before).map((m) => m.fetched.digest));
      }
    }
    frontier = next;
  }
  const list = [...blobs.values()];
  return { manifests, blobs: list, bytes: list.reduce((n, d) => n + d.size, 0) };
}
