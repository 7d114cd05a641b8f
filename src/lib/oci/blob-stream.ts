/**
 * A blob download that ends in a `Blob` instead of one big array: the body is hashed and counted as it streams and
 * handed to the browser's blob store a few MiB at a time, so saving a large blob never holds it in script memory.
 * Nothing is returned unless size and digest match the descriptor.
 */
import { createSHA256 } from 'hash-wasm';
import type { ProgressFn } from './blobs';
import type { RegistryClient } from './client';
import { RegistryError } from './errors';
import type { Descriptor } from './media-types';
import type { Reference } from './reference';
import { repoScope } from './transport';

/** How much is gathered before it becomes one part of the result (a bound on script memory per download). */
export const BLOB_PIECE = 8 * 1024 * 1024;

/** GETs a blob of the reference's repository into a verified `Blob`. */
export async function readBlobAsBlob(
  client: RegistryClient,
  ref: Reference,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: ProgressFn } = {},
): Promise<Blob> {
  const { digest, size } = descriptor;
  if (!digest.startsWith('sha256:'))
    throw new RegistryError('unsupported', `Only sha256 blobs can be verified here, not ${digest}.`);
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RegistryError('bad-response', `The descriptor of ${digest} has an invalid size.`);
  const t = client.transportFor(ref);
  const url = t.url(`/v2/${ref.repository}/blobs/${digest}`);
  const res = await t.send({
    method: 'GET',
    url,
    scopes: [repoScope(ref.repository, 'pull')],
    signal,
    what: `Downloading blob ${digest.slice(0, 19)}…`,
  });
  if (!res.body) throw new RegistryError('bad-response', 'The blob response has no body.', { url });
  const hasher = await createSHA256();
  hasher.init();
  const parts: Blob[] = [];
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  let received = 0;
  const reader = res.body.getReader();
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      const chunk = step.value as Uint8Array<ArrayBuffer>;
      received += chunk.length;
      if (received > size) {
        await reader.cancel().catch(() => {});
        throw new RegistryError(
          'size-mismatch',
          `Blob ${digest} is larger than its descriptor says (${size} bytes); the download was stopped.`,
          { url },
        );
      }
      hasher.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= BLOB_PIECE) {
        parts.push(new Blob(pending));
        pending = [];
        pendingBytes = 0;
      }
      onProgress?.(received, size);
    }
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    if (signal?.aborted) throw new RegistryError('aborted', 'The operation was cancelled.', { url });
    throw new RegistryError('network', `Downloading blob ${digest} was interrupted.`, { url, cause: e });
  }
  if (received !== size)
    throw new RegistryError('size-mismatch', `Blob ${digest} has ${received} bytes, not ${size}.`, { url });
  const actual = `sha256:${hasher.digest('hex')}`;
  if (actual !== digest)
    throw new RegistryError('digest-mismatch', `Blob ${digest} arrived as ${actual}; it was discarded.`, {
      url,
    });
  return new Blob([...parts, ...pending]);
}
