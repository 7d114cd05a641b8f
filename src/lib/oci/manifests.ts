/** Manifest GET/HEAD/PUT/DELETE: exact Accept list, raw bytes kept, digest verified, 4 MiB cap (oci.md §3). */
import { sha256Digest } from '../common';
import { RegistryError, errorFromResponse } from './errors';
import { parseDigest } from './reference';
import { repoScope, type Transport } from './transport';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, manifestProblem, type Manifest } from './media-types';

/** A fetched manifest: exact bytes, parsed JSON, media type and the verified digest of the bytes. */
export interface FetchedManifest {
  bytes: Uint8Array<ArrayBuffer>;
  manifest: Manifest;
  mediaType: string;
  digest: string;
}

/** Reads at most MAX_MANIFEST_BYTES; one byte more is `too-large`. */
async function readCapped(res: Response, url: string): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_MANIFEST_BYTES) {
    await res.body?.cancel().catch(() => {});
    throw new RegistryError('too-large', `The manifest is ${declared} bytes; the limit is 4 MiB.`, { url });
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_MANIFEST_BYTES) {
      await reader.cancel().catch(() => {});
      throw new RegistryError('too-large', 'The manifest is larger than 4 MiB; reading stopped.', { url });
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const baseType = (t: string | null) => (t ?? '').split(';')[0].trim().toLowerCase();

/** GET a manifest by tag or digest. Verifies a digest reference and any readable Docker-Content-Digest. */
export async function getManifest(
  t: Transport,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<FetchedManifest> {
  const url = t.url(`/v2/${repository}/manifests/${reference}`);
  const res = await t.send({
    method: 'GET',
    url,
    scopes: [repoScope(repository, 'pull')],
    headers: { Accept: MANIFEST_ACCEPT },
    signal,
    what: `Reading the manifest ${repository}:${reference}`,
  });
  const bytes = await readCapped(res, url);
  const digest = await sha256Digest(bytes);
  if (reference.includes(':') && reference !== digest) {
    parseDigest(reference);
    if (!reference.startsWith('sha256:'))
      throw new RegistryError('unsupported', `Only sha256 manifests can be verified here, not ${reference}.`);
    throw new RegistryError('digest-mismatch', `The manifest for ${reference} hashes to ${digest}.`, { url });
  }
  const said = res.headers.get('docker-content-digest');
  if (said && said.startsWith('sha256:') && said !== digest)
    throw new RegistryError(
      'digest-mismatch',
      `The registry says the manifest is ${said}, but its bytes hash to ${digest}.`,
      { url },
    );
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Manifest;
  } catch {
    throw new RegistryError(
      'invalid-manifest',
      `The manifest ${repository}:${reference} is not valid JSON.`,
      {
        url,
      },
    );
  }
  const problem = manifestProblem(manifest);
  if (problem)
    throw new RegistryError(
      'invalid-manifest',
      `The manifest ${repository}:${reference} is invalid: ${problem}.`,
      {
        url,
      },
    );
  const contentType = baseType(res.headers.get('content-type'));
  if (manifest.mediaType && contentType && manifest.mediaType !== contentType)
    throw new RegistryError(
      'invalid-manifest',
      `The manifest says it is ${manifest.mediaType}, but the registry sent it as ${contentType}.`,
      { url },
    );
  return { bytes, manifest, mediaType: manifest.mediaType ?? contentType, digest };
}

/** HEAD a manifest: null when absent; `digest` is null when the registry (or CORS) hides Docker-Content-Digest. */
export async function headManifest(
  t: Transport,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<{ digest: string | null; mediaType: string; size: number | null } | null> {
  const res = await t.send({
    method: 'HEAD',
    url: t.url(`/v2/${repository}/manifests/${reference}`),
    scopes: [repoScope(repository, 'pull')],
    headers: { Accept: MANIFEST_ACCEPT },
    accept: [404],
    signal,
    what: `Checking the manifest ${repository}:${reference}`,
  });
  await res.body?.cancel().catch(() => {});
  if (res.status === 404) return null;
  const size = Number(res.headers.get('content-length'));
  return {
    digest: res.headers.get('docker-content-digest'),
    mediaType: baseType(res.headers.get('content-type')),
    size: Number.isFinite(size) ? size : null,
  };
}

/** PUT manifest bytes under a tag or digest with Content-Type = `mediaType`; returns the local digest. */
export async function putManifest(
  t: Transport,
  repository: string,
  reference: string,
  bytes: Uint8Array<ArrayBuffer>,
  mediaType: string,
  signal?: AbortSignal,
): Promise<string> {
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw new RegistryError('too-large', `The manifest is ${bytes.length} bytes; registries accept 4 MiB.`);
  const digest = await sha256Digest(bytes);
  const res = await t.send({
    method: 'PUT',
    url: t.url(`/v2/${repository}/manifests/${reference}`),
    scopes: [repoScope(repository, 'pull,push')],
    headers: { 'Content-Type': mediaType },
    body: bytes,
    signal,
    what: `Writing the manifest ${repository}:${reference}`,
  });
  await res.body?.cancel().catch(() => {});
  const said = res.headers.get('docker-content-digest');
  if (said && said !== digest)
    throw new RegistryError(
      'digest-mismatch',
      `The registry stored the manifest as ${said}, not ${digest}.`,
      {
        url: res.url,
      },
    );
  return digest;
}

/**
 * DELETE a manifest by digest (oci.md §6.4). Only a digest: distribution 2.8 answers a tag with 400 DIGEST_INVALID,
 * and deleting a digest removes every tag that points at it. A registry that does not allow deletes (405, or
 * distribution's UNSUPPORTED without `storage.delete.enabled`) fails with `delete-refused`.
 */
export async function deleteManifest(
  t: Transport,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<void> {
  parseDigest(digest);
  const what = `Deleting the manifest ${repository}@${digest}`;
  const res = await t.send({
    method: 'DELETE',
    url: t.url(`/v2/${repository}/manifests/${digest}`),
    scopes: [repoScope(repository, 'delete')],
    accept: [405],
    signal,
    what,
  });
  if (res.status === 405) {
    const e = await errorFromResponse(res, what);
    throw new RegistryError(
      'delete-refused',
      `${what} was refused: the registry does not allow deletes (HTTP 405).`,
      {
        status: 405,
        url: e.url,
        detail: e.detail,
      },
    );
  }
  await res.body?.cancel().catch(() => {});
}
