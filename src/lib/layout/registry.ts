/**
 * A registry repository as a transfer's source or destination, through one client of lib/oci: manifests by tag or
 * digest, cosign tags by HEAD, referrers by the API or the fallback tag, blobs streamed into a Blob or read as bytes;
 * HEAD before each upload, mounts within one registry, and the fallback referrers index where there is no API.
 */
import { MT } from '../common';
import {
  headBlob,
  mountBlob,
  parseReference,
  readBlobAsBlob,
  type Descriptor,
  type FetchedManifest,
  type Reference,
  type RegistryClient,
} from '../oci';
import type { ContentWriter } from './execute';
import { cosignTags, isLayoutDigest } from './format';
import type { Attachment, ContentReader } from './plan';

/** The reference `registry/repository` with a tag or a digest. */
export function at(repo: Pick<Reference, 'registry' | 'repository'>, target: string): Reference {
  return parseReference(`${repo.registry}/${repo.repository}${target.includes(':') ? '@' : ':'}${target}`);
}

/** Reads from the repository of `repo`. */
export function registryReader(client: RegistryClient, repo: Reference): ContentReader {
  return {
    location: { registry: repo.registry, repository: repo.repository },
    manifest: (target, signal) => client.getManifest(at(repo, target), signal),
    async attachments(digest, signal) {
      const found: Attachment[] = [];
      for (const tag of cosignTags(digest)) {
        const head = await client.headManifest(at(repo, tag), signal);
        // The digest header may be hidden (CORS, ECR): then the tag is read, and its bytes give the digest.
        if (head)
          found.push({
            kind: 'tag',
            target: tag,
            digest: head.digest?.startsWith('sha256:') ? head.digest : null,
          });
      }
      const referrers = await client.referrers(repo, digest, { signal });
      for (const d of referrers.descriptors)
        if (typeof d.digest === 'string' && isLayoutDigest(d.digest))
          found.push({ kind: 'referrer', target: d.digest });
      return found;
    },
    readBlob: (d, as, o) => (as === 'blob' ? readBlobAsBlob(client, repo, d, o) : client.getBlob(repo, d, o)),
  };
}

/** The descriptor of a referrer in a referrers index (DS "Listing Referrers"). */
function referrerDescriptor(m: FetchedManifest): Descriptor {
  const d: Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
  const type = m.manifest.artifactType ?? m.manifest.config?.mediaType;
  if (type) d.artifactType = type;
  if (m.manifest.annotations) d.annotations = m.manifest.annotations;
  return d;
}

/** Writes into the repository of `target`. */
export function registryWriter(client: RegistryClient, target: Reference): ContentWriter {
  return {
    key: `${target.registry}/${target.repository}`,
    wants: 'bytes',
    hasBlob: (d, signal) => headBlob(client, target, d.digest, signal),
    async mount(d, from, signal) {
      if (from.registry !== target.registry || from.repository === target.repository) return false;
      return (await mountBlob(client, target, d.digest, from.repository, signal)) === 'mounted';
    },
    async putBlob(d, data, { signal, onProgress }) {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
      // Small blobs go in one request, as pushArtifact sends them: a chunked session only adds round trips.
      const mode = d.size <= 64 * 1024 ? { mode: 'monolithic' as const } : {};
      await client.uploadBlob(target, bytes, { ...mode, digest: d.digest, signal, onProgress });
    },
    async putManifest(m, signal) {
      const ref = at(target, m.tag ?? m.fetched.digest);
      await client.putManifest(ref, m.fetched.bytes, m.fetched.mediaType, signal);
    },
    /**
     * Registries without the referrers API (distribution 2.8) find referrers through the `sha256-<hex>` tag, which
     * the client keeps (DS "Pushing Manifests with Subject"): add the copied referrers it does not list yet.
     */
    async linkReferrers(subject, referrers, signal) {
      const found = await client.referrers(target, subject, { signal });
      if (found.via === 'api') return;
      const listed = new Set(found.descriptors.map((d) => d.digest));
      const missing = referrers.filter((r) => !listed.has(r.digest));
      if (!missing.length) return;
      const index = {
        schemaVersion: 2,
        mediaType: MT.ociIndex,
        manifests: [...found.descriptors, ...missing.map(referrerDescriptor)],
      };
      const bytes = new TextEncoder().encode(JSON.stringify(index));
      await client.putManifest(at(target, subject.replace(':', '-')), bytes, MT.ociIndex, signal);
    },
  };
}
