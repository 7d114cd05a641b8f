/**
 * Writes an OCI image layout as a tar without ever joining it into one buffer: each blob stays the part it was
 * given (a `Blob` from the registry, or bytes), and the tar is the list of headers, blobs and padding that a page
 * turns into one `Blob` for download. The same content always gives the same bytes (sorted names, zero times).
 */
import { ArtifactError, tarEnd, tarEntryHeader, tarPadding } from '../artifacts';
import { MT } from '../common';
import type { Descriptor, FetchedManifest } from '../oci';
import { INDEX_FILE, LAYOUT_FILE, LAYOUT_VERSION, REF_NAME, REF_NAME_PATTERN, blobPath } from './format';

/** One piece of the tar: bytes, or a Blob the browser may keep on disk. */
export type TarPart = Uint8Array<ArrayBuffer> | Blob;

/** The finished tar: its parts in order, their total size, and the index.json written into it. */
export interface LayoutTar {
  parts: TarPart[];
  size: number;
  index: Descriptor[];
}

const sizeOf = (p: TarPart) => (p instanceof Uint8Array ? p.length : p.size);
const encoder = new TextEncoder();

export class LayoutTarBuilder {
  private readonly blobs = new Map<string, TarPart>();
  /** index.json entries by ref name: saving a name twice keeps the last. */
  private readonly named = new Map<string, Descriptor>();

  hasBlob(digest: string): boolean {
    return this.blobs.has(digest);
  }

  /** Adds a blob (already verified by whoever read it) under `blobs/<alg>/<hex>`. */
  addBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, data: TarPart): void {
    if (sizeOf(data) !== descriptor.size)
      throw new ArtifactError(
        'size-mismatch',
        `${descriptor.digest} has ${sizeOf(data)} bytes, not ${descriptor.size}`,
      );
    this.blobs.set(descriptor.digest, data);
  }

  /** Adds a manifest's bytes as a blob. */
  addManifest(m: FetchedManifest): void {
    this.addBlob({ digest: m.digest, size: m.bytes.length }, m.bytes);
  }

  /** Lists a manifest in index.json under `org.opencontainers.image.ref.name` = `refName`. */
  name(m: FetchedManifest, refName: string): void {
    if (!REF_NAME_PATTERN.test(refName))
      throw new ArtifactError('bad-input', `"${refName}" is not a valid layout ref name`);
    const d: Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (m.manifest.artifactType) d.artifactType = m.manifest.artifactType;
    d.annotations = { [REF_NAME]: refName };
    this.named.delete(refName);
    this.named.set(refName, d);
  }

  /** The tar of everything added: directories, blobs by path, index.json, oci-layout (GNU tar's sorted order). */
  finish(): LayoutTar {
    const index = [...this.named.values()];
    const files = new Map<string, TarPart>();
    for (const [digest, data] of this.blobs) files.set(blobPath(digest), data);
    files.set(
      INDEX_FILE,
      encoder.encode(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: index })),
    );
    files.set(LAYOUT_FILE, encoder.encode(JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })));
    const dirs = new Set(['blobs/', ...[...this.blobs.keys()].map((d) => `blobs/${d.split(':')[0]}/`)]);
    const names = [...dirs, ...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const parts: TarPart[] = [];
    for (const name of names) {
      const data = files.get(name);
      const size = data ? sizeOf(data) : 0;
      parts.push(...tarEntryHeader(name, size));
      if (!data || size === 0) continue;
      parts.push(data);
      if (size % 512) parts.push(tarPadding(size));
    }
    parts.push(tarEnd());
    return { parts, size: parts.reduce((n, p) => n + sizeOf(p), 0), index };
  }
}
