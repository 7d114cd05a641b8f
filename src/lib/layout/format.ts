/**
 * The fixed names of an OCI image layout (image-spec `image-layout.md`) and what an `index.json` ref name says:
 * blob paths, the layout version, the ref-name grammar, and manifest bytes read as untrusted JSON.
 */
import { ArtifactError } from '../artifacts';
import { MAX_MANIFEST_BYTES, manifestProblem, type FetchedManifest, type Manifest } from '../oci';

export const LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const LAYOUT_VERSION = '1.0.0';
/** The annotation naming an index.json entry (image-spec `annotations.md`). */
export const REF_NAME = 'org.opencontainers.image.ref.name';

/** Digest algorithms a layout may use here, with their hex lengths (image-spec `descriptor.md`). */
export const DIGEST_HEX: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

/** True for `sha256:<64 hex>` or `sha512:<128 hex>`, lowercase. */
export function isLayoutDigest(digest: string): boolean {
  const [alg, hex, extra] = digest.split(':');
  return extra === undefined && !!alg && DIGEST_HEX[alg] === hex?.length && /^[0-9a-f]+$/.test(hex);
}

/** `blobs/<alg>/<hex>` of a digest. */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

/** The digest a `blobs/<alg>/<hex>` path stores, or null for any other path. */
export function digestOfPath(path: string): string | null {
  const m = /^blobs\/([a-z0-9]+)\/([^/]+)$/.exec(path);
  return m ? `${m[1]}:${m[2]}` : null;
}

/**
 * image-spec `annotations.md`: `ref ::= component ("/" component)*`, `component ::= alphanum (separator alphanum)*`,
 * `alphanum ::= [A-Za-z0-9]+`, `separator ::= [-._:@+] | "--"`.
 */
const REF_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
export const REF_NAME_PATTERN = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);

/** What a ref name says. Tools write a bare tag (`v1`, skopeo's `oci:dir:v1`), `repo:tag`, or a full reference. */
export interface RefName {
  /** The registry host, when the name starts with one (`host.domain/…`, `host:port/…`, `localhost/…`). */
  registry: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
}

const REPO_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Splits a ref name into registry, repository, tag and digest, keeping only parts that are valid as such. */
export function readRefName(name: string): RefName {
  let rest = name;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    digest = isLayoutDigest(d) ? d : null;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  } else if (!rest.includes('/') && at < 0) {
    // A bare word is a tag: `oci:dir:v1` names the entry `v1`.
    return { registry: null, repository: null, tag: TAG.test(rest) ? rest : null, digest: null };
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  const repository = rest && rest.split('/').every((c) => REPO_COMPONENT.test(c)) ? rest : null;
  return { registry, repository, tag: tag && TAG.test(tag) ? tag : null, digest };
}

/** The cosign attachment tags: `sha256-<hex>.sig`, `.att`, `.sbom` name what they are attached to. */
const COSIGN_TAG = /^(sha256|sha512)-([0-9a-f]+)\.(sig|att|sbom)$/;

/** The subject digest a cosign attachment tag names, or null. */
export function cosignSubject(tag: string | null): string | null {
  const m = tag ? COSIGN_TAG.exec(tag) : null;
  return m && isLayoutDigest(`${m[1]}:${m[2]}`) ? `${m[1]}:${m[2]}` : null;
}

/** The attachment tags cosign would write for a manifest digest (oci.md §9.1). */
export function cosignTags(digest: string): string[] {
  const base = digest.replace(':', '-');
  return [`${base}.sig`, `${base}.att`, `${base}.sbom`];
}

/**
 * Reads manifest bytes that were already verified against `digest`: at most 4 MiB of UTF-8 JSON in the shape of
 * an OCI manifest or index. `where` names the file for the message.
 */
export function readManifestBytes(
  bytes: Uint8Array<ArrayBuffer>,
  digest: string,
  mediaType: string | undefined,
  where: string,
): FetchedManifest {
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw new ArtifactError('too-large', `The manifest is ${bytes.length} bytes; the limit is 4 MiB`, where);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Manifest;
  } catch {
    throw new ArtifactError('bad-layout', 'A manifest is not valid JSON', where);
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new ArtifactError('bad-layout', `A manifest is invalid: ${problem}`, where);
  return { bytes, manifest, mediaType: manifest.mediaType ?? mediaType ?? '', digest };
}
