/** Minimal OCI reference normalisation (§12.1) for scaffolds: `<registry>/<repository>[:tag][@digest]`. */

export interface Reference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$|^sha384:[0-9a-f]{96}$|^sha512:[0-9a-f]{128}$/;

/** Parses a reference like oci-spec-rs does; returns an error string instead of throwing. */
export function parseReference(input: string): Reference | string {
  let rest = input.startsWith('registry://') ? input.slice('registry://'.length) : input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `invalid digest '${digest}'`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `invalid tag '${tag}'`;
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  const first = parts[0];
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = parts.shift() as string;
    if (!HOST.test(registry)) return `invalid registry host '${registry}'`;
  }
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      return part.toLowerCase() !== part
        ? 'repository name must be lowercase'
        : `invalid reference format: '${part}' is not a valid repository name component`;
    }
  }
  if (!tag && !digest) tag = 'latest';
  return { registry, repository: parts.join('/'), tag, digest };
}

/** The fully resolved text of a reference. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
