/** Blob download (streamed, digest and size verified while reading) and upload (HEAD first, monolithic or chunked). */
import { createSHA256 } from 'hash-wasm';
import { RegistryError } from './errors';
import { repoScope, type Transport } from './transport';

/** Progress of one transfer: bytes done of total. */
export type ProgressFn = (done: number, total: number) => void;

export interface UploadOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** `auto` (monolithic up to chunkSize, chunked above, falling back), `monolithic` or `chunked`. */
  mode?: 'auto' | 'monolithic' | 'chunked';
  chunkSize?: number;
  /**
   * Default true: a short `Range` on a PATCH answer makes us resend from its end. False ignores it and trusts
   * our own offset (registries whose `Range` goes stale, ECR; oci.md §4). A 416 still reads the upload status.
   */
  trustRange?: boolean;
}

export interface UploadResult {
  digest: string;
  /** True when the registry already had the blob (HEAD 200) and nothing was sent. */
  skipped: boolean;
  /** How it was sent: `existing`, `monolithic` or `chunked`. */
  method: 'existing' | 'monolithic' | 'chunked';
}

export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Sensible chunk sizes for a user setting: below 1 KiB a blob becomes thousands of requests; 1 GiB is plenty. */
export const CHUNK_SIZE_LIMITS = { min: 1024, max: 1024 * 1024 * 1024 } as const;
const HASH_PIECE = 1 << 20;

/** `sha256:<hex>` of `bytes`, hashed in pieces with hash-wasm (no WebCrypto: it is missing outside secure contexts). */
export async function sha256Streaming(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  const h = await createSHA256();
  h.init();
  for (let i = 0; i < bytes.length; i += HASH_PIECE) {
    if (signal?.aborted) throw new RegistryError('aborted', 'The operation was cancelled.');
    h.update(bytes.subarray(i, i + HASH_PIECE));
  }
  return `sha256:${h.digest('hex')}`;
}

/**
 * GETs a blob and verifies it while reading: stops as soon as more than `size` bytes arrive, then checks size and
 * digest. Unverified bytes are never returned. No Authorization goes to another origin after a redirect.
 */
export async function getBlob(
  t: Transport,
  repository: string,
  digest: string,
  size: number,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: ProgressFn } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  if (!digest.startsWith('sha256:'))
    throw new RegistryError(
      'unsupported',
      `Only sha256 blobs can be verified here, not ${digest.split(':')[0]}.`,
    );
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RegistryError('bad-response', `The descriptor of ${digest} has an invalid size.`);
  const url = t.url(`/v2/${repository}/blobs/${digest}`);
  const res = await t.send({
    method: 'GET',
    url,
    scopes: [repoScope(repository, 'pull')],
    signal,
    what: `Downloading blob ${digest.slice(0, 19)}…`,
  });
  if (!res.body) throw new RegistryError('bad-response', 'The blob response has no body.', { url });
  const h = await createSHA256();
  h.init();
  // Never allocate from a declared size alone: grow up to the descriptor size, which we check as we go.
  const out = new Uint8Array(size);
  let got = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > size) {
        await reader.cancel().catch(() => {});
        throw new RegistryError(
          'size-mismatch',
          `Blob ${digest} is larger than its descriptor says (${size} bytes); the download was stopped.`,
          { url },
        );
      }
      out.set(value, got);
      h.update(value);
      got += value.length;
      onProgress?.(got, size);
    }
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    if (signal?.aborted) throw new RegistryError('aborted', 'The operation was cancelled.', { url });
    throw new RegistryError('network', `Downloading blob ${digest} was interrupted.`, { url, cause: e });
  }
  if (got !== size)
    throw new RegistryError(
      'size-mismatch',
      `Blob ${digest} has ${got} bytes, but its descriptor says ${size}.`,
      {
        url,
      },
    );
  const actual = `sha256:${h.digest('hex')}`;
  if (actual !== digest)
    throw new RegistryError(
      'digest-mismatch',
      `Blob ${digest} arrived with digest ${actual}; it was discarded.`,
      {
        url,
      },
    );
  return out;
}

/** HEAD a blob: true when the registry has it. */
export async function blobExists(t: Transport, repository: string, digest: string, signal?: AbortSignal) {
  const res = await t.send({
    method: 'HEAD',
    url: t.url(`/v2/${repository}/blobs/${digest}`),
    scopes: [repoScope(repository, 'pull,push')],
    accept: [404],
    signal,
    what: `Checking blob ${digest.slice(0, 19)}…`,
  });
  await res.body?.cancel().catch(() => {});
  return res.status === 200;
}

function locationOf(t: Transport, res: Response, what: string): string {
  const loc = res.headers.get('location');
  if (!loc)
    throw new RegistryError('bad-response', `${what}: the registry sent no readable Location header.`, {
      url: res.url,
      status: res.status,
    });
  return t.resolve(loc, res.url);
}

async function startUpload(t: Transport, repository: string, signal?: AbortSignal) {
  const res = await t.send({
    method: 'POST',
    url: t.url(`/v2/${repository}/blobs/uploads/`),
    scopes: [repoScope(repository, 'pull,push')],
    signal,
    what: `Starting an upload to ${repository}`,
  });
  await res.body?.cancel().catch(() => {});
  if (res.status !== 202 && res.status !== 201)
    throw new RegistryError('bad-response', `Starting an upload answered HTTP ${res.status}, not 202.`, {
      status: res.status,
      url: res.url,
    });
  const minChunk = Number(res.headers.get('oci-chunk-min-length'));
  return {
    location: locationOf(t, res, 'Starting an upload'),
    minChunk: Number.isFinite(minChunk) ? minChunk : 0,
  };
}

async function finish(
  t: Transport,
  repository: string,
  location: string,
  digest: string,
  body: Uint8Array<ArrayBuffer> | undefined,
  signal?: AbortSignal,
) {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  const res = await t.send({
    method: 'PUT',
    url: url.href,
    scopes: [repoScope(repository, 'pull,push')],
    headers: { 'Content-Type': 'application/octet-stream' },
    body: body ?? new Uint8Array(0),
    signal,
    what: `Finishing the upload of ${digest.slice(0, 19)}…`,
  });
  await res.body?.cancel().catch(() => {});
  if (res.status !== 201 && res.status !== 204 && res.status !== 200)
    throw new RegistryError('bad-response', `Finishing an upload answered HTTP ${res.status}, not 201.`, {
      status: res.status,
      url: res.url,
    });
  const said = res.headers.get('docker-content-digest');
  if (said && said !== digest)
    throw new RegistryError('digest-mismatch', `The registry stored ${said} instead of ${digest}.`, {
      url: res.url,
    });
}

/** `Range: 0-<end>` → end, or null when unreadable. */
function rangeEnd(res: Response): number | null {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(res.headers.get('range')?.trim() ?? '');
  return m ? Number(m[1]) : null;
}

async function uploadChunked(
  t: Transport,
  repository: string,
  bytes: Uint8Array,
  digest: string,
  chunkSize: number,
  opts: UploadOptions,
): Promise<'chunked' | 'fallback'> {
  const started = await startUpload(t, repository, opts.signal);
  let location = started.location;
  const size = Math.max(chunkSize, started.minChunk);
  let offset = 0;
  let first = true;
  let stalls = 0;
  while (offset < bytes.length) {
    const end = Math.min(offset + size, bytes.length) - 1;
    // A view, not a copy: fetch sends exactly the view's bytes.
    const body = bytes.subarray(offset, end + 1) as Uint8Array<ArrayBuffer>;
    let res: Response;
    try {
      res = await t.send({
        method: 'PATCH',
        url: location,
        scopes: [repoScope(repository, 'pull,push')],
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${end}` },
        body,
        signal: opts.signal,
        accept: [416],
        what: `Uploading bytes ${offset}-${end} of ${digest.slice(0, 19)}…`,
      });
    } catch (e) {
      // A registry that cannot take chunks (GAR): redo the blob monolithically.
      if (
        first &&
        e instanceof RegistryError &&
        !['unauthorized', 'denied', 'aborted', 'network'].includes(e.code)
      ) {
        await t
          .send({ method: 'DELETE', url: location, scopes: [], accept: [400, 404, 405], what: 'Cancelling' })
          .then((r) => r.body?.cancel())
          .catch(() => {});
        return 'fallback';
      }
      throw e;
    }
    await res.body?.cancel().catch(() => {});
    if (res.status === 416) {
      // Out of order: ask where the registry is and resume after it.
      const status = await t.send({
        method: 'GET',
        url: location,
        scopes: [repoScope(repository, 'pull,push')],
        signal: opts.signal,
        what: 'Reading the upload status',
      });
      await status.body?.cancel().catch(() => {});
      const at = rangeEnd(status);
      if (at === null || ++stalls > 3)
        throw new RegistryError('bad-response', 'The registry rejected a chunk as out of order (HTTP 416).', {
          status: 416,
          url: location,
        });
      location = status.headers.get('location') ? locationOf(t, status, 'Upload status') : location;
      offset = at + 1;
      continue;
    }
    first = false;
    if (res.headers.get('location')) location = locationOf(t, res, 'Uploading a chunk');
    const at = opts.trustRange === false ? null : rangeEnd(res);
    // Trust our own offset unless the registry says it has less (then resend from there).
    if (at !== null && at < end && at >= offset - 1) {
      if (++stalls > 3)
        throw new RegistryError('bad-response', `The registry keeps ending the upload at byte ${at}.`, {
          url: location,
        });
      offset = at + 1;
    } else offset = end + 1;
    opts.onProgress?.(offset, bytes.length);
  }
  await finish(t, repository, location, digest, undefined, opts.signal);
  return 'chunked';
}

/**
 * Uploads one blob: HEAD first (skipped when present), then monolithic (≤ chunk size) or chunked PATCHes with own
 * offset tracking, then HEAD to confirm. `digest` is computed when not given.
 */
export async function uploadBlob(
  t: Transport,
  repository: string,
  bytes: Uint8Array,
  opts: UploadOptions & { digest?: string } = {},
): Promise<UploadResult> {
  const digest = opts.digest ?? (await sha256Streaming(bytes, opts.signal));
  if (await blobExists(t, repository, digest, opts.signal)) {
    opts.onProgress?.(bytes.length, bytes.length);
    return { digest, skipped: true, method: 'existing' };
  }
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const mode = opts.mode ?? 'auto';
  let method: UploadResult['method'] = 'monolithic';
  const chunked = mode === 'chunked' || (mode === 'auto' && bytes.length > chunkSize);
  let done = false;
  if (chunked) {
    const r = await uploadChunked(t, repository, bytes, digest, chunkSize, opts);
    done = r === 'chunked';
    if (done) method = 'chunked';
    else t.onWarning?.('The registry refused a chunked upload; sending the blob in one request instead.');
  }
  if (!done) {
    const { location } = await startUpload(t, repository, opts.signal);
    await finish(t, repository, location, digest, bytes as Uint8Array<ArrayBuffer>, opts.signal);
    opts.onProgress?.(bytes.length, bytes.length);
  }
  if (!(await blobExists(t, repository, digest, opts.signal)))
    throw new RegistryError('bad-response', `The registry does not have blob ${digest} after the upload.`);
  return { digest, skipped: false, method };
}
