/** Parses and normalises OCI references as kwctl and distribution/reference do (docs/oci.md §1, kubewarden.md §12.1). */
import { RegistryError } from './errors';

/** A parsed reference. With both tag and digest, the digest is what is fetched; the tag is a label. */
export interface Reference {
  /** Registry host as the user names it (`docker.io`, `ghcr.io`, `localhost:5000`). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** Host the API lives on (`registry-1.docker.io` for `docker.io`). */
  apiHost: string;
  /** `registry/repository[:tag][@digest]`, for display and copying. */
  canonical: string;
  /** True when the user pasted an `http://` prefix. */
  insecureHint: boolean;
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
// distribution/reference regexp.go: a domain name or a bracketed IPv6 address (no zone, no embedded IPv4), and a port.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?$/;
/** distribution/reference reference.go `RepositoryNameTotalLengthMax`: the path, without the registry host. */
export const MAX_PATH_LENGTH = 255;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

const bad = (text: string, why: string) =>
  new RegistryError('invalid-reference', `"${text}" is not a valid reference: ${why}.`);

/** Checks `alg:hex` and returns it; throws `invalid-reference` saying what is wrong. */
export function parseDigest(digest: string, context = digest): string {
  const i = digest.indexOf(':');
  const alg = digest.slice(0, i);
  const hex = digest.slice(i + 1);
  const want = DIGEST_LENGTHS[alg];
  if (i < 0 || !want) throw bad(context, `the digest algorithm must be sha256, sha384 or sha512`);
  if (hex.length !== want) throw bad(context, `a ${alg} digest has ${want} hex digits, not ${hex.length}`);
  if (!/^[0-9a-f]+$/.test(hex)) throw bad(context, 'the digest must be lowercase hexadecimal');
  return digest;
}

/**
 * Parses `text` into a normalised reference: strips `registry://`, `oci://`, `docker://` and `http(s)://`,
 * defaults the host to `docker.io` (with `library/` for single names) and the tag to `latest`.
 * Throws RegistryError `invalid-reference` with a message that says what is wrong.
 */
export function parseReference(text: string): Reference {
  let rest = text.trim();
  if (!rest) throw bad(text, 'it is empty');
  let insecureHint = false;
  const scheme = /^(registry|oci|docker|https?):\/\//i.exec(rest);
  if (scheme) {
    insecureHint = scheme[1].toLowerCase() === 'http';
    rest = rest.slice(scheme[0].length);
  }
  if (/\s/.test(rest)) throw bad(text, 'it contains whitespace');
  // normalize.go ParseNormalizedNamed: a bare 64-hex string is an image ID, not a repository name.
  if (/^[a-f0-9]{64}$/.test(rest))
    throw bad(text, 'a 64-character hexadecimal string is an image ID, not a name');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = parseDigest(rest.slice(at + 1), text);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(text, `"${tag}" is not a valid tag`);
  }
  let registry = 'docker.io';
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (
      first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase()
    ) {
      registry = first;
      path = rest.slice(slash + 1);
      if (!HOST.test(registry)) throw bad(text, `"${registry}" is not a valid registry host`);
    }
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (!path) throw bad(text, 'the repository name is missing');
  if (path !== path.toLowerCase()) throw bad(text, 'repository names must be lowercase');
  for (const c of path.split('/'))
    if (!COMPONENT.test(c))
      throw bad(
        text,
        c ? `"${c}" is not a valid repository path component` : 'it has an empty path component',
      );
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (path.length > MAX_PATH_LENGTH)
    throw bad(text, `the repository path is longer than ${MAX_PATH_LENGTH} characters`);
  if (!tag && !digest) tag = 'latest';
  const apiHost = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const canonical = `${registry}/${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { registry, repository: path, tag, digest, apiHost, canonical, insecureHint };
}

/** True for hosts where plain http is allowed without configuration: localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '[::1]' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** The default API base URL for a reference: https, or http for loopback hosts. */
export function defaultBaseUrl(ref: Reference): string {
  return `${isLoopbackHost(ref.apiHost) ? 'http' : 'https'}://${ref.apiHost}`;
}

/** `registry/repository@digest`, the immutable form users copy. */
export function immutableReference(ref: Reference, digest: string): string {
  return `${ref.registry}/${ref.repository}@${digest}`;
}

/**
 * True when `text` names a tag or a digest itself, false when parseReference() would fill in `latest`: a bare
 * repository is a request to see its tags, not its `latest`. Throws like parseReference() on invalid text.
 */
export function namesTagOrDigest(text: string): boolean {
  const ref = parseReference(text);
  if (ref.digest || ref.tag !== 'latest') return true;
  // The grammar only starts a tag after the last `/`, so `latest` was typed exactly when that segment ends with it.
  return /:latest$/.test(text.trim().split('/').pop() ?? '');
}

/**
 * Splits `<ref>..<ref>` (a comparison's address). A tag may itself hold `..`, so the cut taken is the first where
 * both sides parse as references, else the first `..` (opening it then explains the invalid side). Null without `..`.
 */
export function splitReferencePair(text: string): { left: string; right: string } | null {
  const cuts: number[] = [];
  for (let i = text.indexOf('..'); i >= 0; i = text.indexOf('..', i + 1)) cuts.push(i);
  if (!cuts.length) return null;
  const valid = (s: string) => {
    try {
      parseReference(s);
      return true;
    } catch {
      return false;
    }
  };
  const cut = cuts.find((i) => valid(text.slice(0, i)) && valid(text.slice(i + 2))) ?? cuts[0];
  return { left: text.slice(0, cut), right: text.slice(cut + 2) };
}
