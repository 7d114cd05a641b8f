/**
 * An opened layout as a transfer's source and as the Artifacts view's content (the getManifest/getBlob shape of a
 * registry client), and a layout being built as a transfer's destination, naming what it saves in index.json.
 */
import { ArtifactError } from '../artifacts';
import type { Descriptor, FetchedManifest, ProgressFn, Reference } from '../oci';
import type { ContentWriter } from './execute';
import { isLayoutDigest } from './format';
import type { Attachment, ContentReader, PlannedManifest } from './plan';
import type { OciLayout } from './read';
import type { LayoutTarBuilder } from './write';

function manifestIn(layout: OciLayout, target: string): FetchedManifest {
  const m = isLayoutDigest(target)
    ? layout.manifests.get(target)
    : layout.entries.find((e) => e.refName === target)?.manifest;
  if (!m) throw new ArtifactError('missing-blob', `${target} is not in this layout`, layout.name);
  return m;
}

async function blobIn(
  layout: OciLayout,
  d: Pick<Descriptor, 'digest' | 'size'>,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const blob = layout.blobs.get(d.digest);
  if (!blob) throw new ArtifactError('missing-blob', `${d.digest} is not in this layout`, layout.name);
  if (blob.size !== d.size)
    throw new ArtifactError('size-mismatch', `${d.digest} is ${blob.size} bytes, not ${d.size}`, layout.name);
  return blob.read(signal);
}

/** Reads from an opened layout: attachments are its cosign tag entries and the manifests whose subject is the digest. */
export function layoutReader(layout: OciLayout): ContentReader {
  return {
    manifest: async (target) => manifestIn(layout, target),
    async attachments(digest) {
      const found: Attachment[] = [];
      for (const e of layout.entries)
        if (e.role === 'signature' && e.subject === digest && e.ref?.tag)
          found.push({ kind: 'tag', target: e.ref.tag, digest: e.descriptor.digest });
      for (const m of layout.manifests.values())
        if (m.manifest.subject?.digest === digest) found.push({ kind: 'referrer', target: m.digest });
      return found;
    },
    async readBlob(d, as, { signal }) {
      const bytes = await blobIn(layout, d, signal);
      return as === 'blob' ? new Blob([bytes]) : bytes;
    },
  };
}

/** Content with a registry client's read shape, so a view can show an artifact from a registry or a layout alike. */
export interface ContentSource {
  getManifest(ref: Reference, signal?: AbortSignal): Promise<FetchedManifest>;
  getBlob(
    ref: Reference,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    o?: { signal?: AbortSignal; onProgress?: ProgressFn },
  ): Promise<Uint8Array<ArrayBuffer>>;
}

/** An opened layout as a ContentSource: digests are looked up in it; a tag matches an entry's full ref name. */
export function layoutContent(layout: OciLayout): ContentSource {
  return {
    getManifest: async (ref) => manifestIn(layout, ref.digest ?? ref.canonical),
    getBlob: (_ref, d, o) => blobIn(layout, d, o?.signal),
  };
}

/** The ref name a saved manifest gets: `base:tag`, `base@digest` for referrers, none for an index's children. */
export function refNameFor(base: string, m: PlannedManifest): string | null {
  if (m.role === 'child') return null;
  return m.tag ? `${base}:${m.tag}` : `${base}@${m.fetched.digest}`;
}

/** Writes into a layout being built; `base` (`registry/repository`) prefixes the names of what it saves. */
export function layoutWriter(builder: LayoutTarBuilder, base: string): ContentWriter {
  return {
    key: 'layout',
    wants: 'blob',
    hasBlob: async (d) => builder.hasBlob(d.digest),
    putBlob: async (d, data) => builder.addBlob(d, data),
    async putManifest(m) {
      builder.addManifest(m.fetched);
      const name = refNameFor(base, m);
      if (name) builder.name(m.fetched, name);
    },
  };
}
