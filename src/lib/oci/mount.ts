/**
 * Blob existence and cross-repository mounts (oci.md §4, DS "Mounting a blob from another repository"), through the
 * client's transport: what a copy between repositories needs besides the client's upload and download.
 */
import type { RegistryClient } from './client';
import { RegistryError } from './errors';
import type { Reference } from './reference';
import { repoScope } from './transport';

/** HEAD a blob in the reference's repository: true when the registry has it. Asks for push scope too (a copy target). */
export async function headBlob(
  client: RegistryClient,
  ref: Reference,
  digest: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const t = client.transportFor(ref);
  const res = await t.send({
    method: 'HEAD',
    url: t.url(`/v2/${ref.repository}/blobs/${digest}`),
    scopes: [repoScope(ref.repository, 'pull,push')],
    accept: [404],
    signal,
    what: `Checking blob ${digest.slice(0, 19)}… in ${ref.repository}`,
  });
  await res.body?.cancel().catch(() => {});
  return res.status === 200;
}

/** `mounted`: the registry linked the blob from the other repository; `not-mounted`: upload it instead. */
export type MountResult = 'mounted' | 'not-mounted';

/**
 * Asks the registry to mount `digest` from repository `from` (same registry) into the reference's repository.
 * 201 is confirmed with a HEAD; a 202 opens an upload session, which is cancelled so the caller's ordinary upload
 * runs; any error means "not mounted" (GGCR `write.go`: on any mount failure, upload), except a cancel.
 */
export async function mountBlob(
  client: RegistryClient,
  ref: Reference,
  digest: string,
  from: string,
  signal?: AbortSignal,
): Promise<MountResult> {
  const t = client.transportFor(ref);
  const url = new URL(t.url(`/v2/${ref.repository}/blobs/uploads/`));
  // Always send `from`: Quay fails without it and distribution just opens an upload (oci.md §4).
  url.searchParams.set('mount', digest);
  url.searchParams.set('from', from);
  let res: Response;
  try {
    res = await t.send({
      method: 'POST',
      url: url.href,
      scopes: [repoScope(ref.repository, 'pull,push'), repoScope(from, 'pull')],
      signal,
      what: `Mounting blob ${digest.slice(0, 19)}… from ${from}`,
    });
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'aborted') throw e;
    return 'not-mounted';
  }
  await res.body?.cancel().catch(() => {});
  if (res.status === 201) return (await headBlob(client, ref, digest, signal)) ? 'mounted' : 'not-mounted';
  const location = res.headers.get('location');
  if (res.status === 202 && location) {
    // The session is not used: the client's upload starts its own (DELETE is DS-main; its answer does not matter).
    await t
      .send({
        method: 'DELETE',
        url: t.resolve(location, res.url),
        scopes: [repoScope(ref.repository, 'pull,push')],
        accept: [400, 404, 405],
        signal,
        what: 'Cancelling an unused upload',
      })
      .then((r) => r.body?.cancel())
      .catch(() => {});
  }
  return 'not-mounted';
}
