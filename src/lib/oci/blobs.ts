/**
 * Blob download (streamed into a buffer that grows with the bytes received, bounded by a download limit, size and
 * digest verified) and upload (HEAD first, monolithic or chunked, confirmed by the registry's digest).
 */
import { formatBytes, sha256Digest } from '../common';
import { byobReader } from './deadline';
import { abortError, RegistryError } from './errors';
import { isLoopbackHost } from './reference';
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
  /**
   * The bytes as a Blob, sent as the body (chunks are its slices). Chromium sends a Blob several times faster than
   * a Uint8Array, and making one copies the bytes (15 ms for 14 MB): a caller can make it while it waits anyway.
   */
  body?: Blob;
  /**
   * An upload begun ahead with {@link beginUpload} by a caller that must hash the bytes first: taken by the
   * upload, or stopped and cancelled when the registry turns out to have the blob.
   */
  session?: PendingUpload;
}

/**
 * An upload begun before its digest is known: the session, and where the blob goes in one request, its bytes on
 * the way. The outcome is a value, so one that is never used fails no one; `stop` aborts what is still travelling.
 */
export interface PendingUpload {
  session: Promise<Settled<UploadSession>>;
  stop(): void;
}

export interface UploadResult {
  digest: string;
  /** True when the registry already had the blob (HEAD 200) and nothing was sent. */
  skipped: boolean;
  /** How it was sent: `existing`, `monolithic` or `chunked`. */
  method: 'existing' | 'monolithic' | 'chunked';
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** The largest blob accepted (default DEFAULT_MAX_BLOB_BYTES); a larger descriptor is refused unread. */
  maxBytes?: number;
}

export const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Sensible chunk sizes for a user setting: below 1 KiB a blob becomes thousands of requests; 1 GiB is plenty. */
export const CHUNK_SIZE_LIMITS = { min: 1024, max: 1024 * 1024 * 1024 } as const;
/**
 * The largest blob a download accepts when the registry's settings name no limit. A download is held in the tab's
 * memory whole (it is verified before anything reads it); policies are a few MB, the largest Wasm apps a few
 * hundred.
 */
export const DEFAULT_MAX_BLOB_BYTES = 512 * 1024 * 1024;
/** What a user may set as the download limit: 1 MiB to 4 GiB (beyond that a tab cannot hold it anyway). */
export const MAX_BLOB_LIMITS = { min: 1024 * 1024, max: 4 * 1024 * 1024 * 1024 } as const;

/**
 * The chunk size (in `auto`, the largest blob sent in one request) for a registry without a setting. Hosted
 * registries get 4 MiB, GHCR's per-request limit (oci.md §11). A registry on this machine is a development
 * registry (distribution, zot), which takes a body of any size: there every blob goes in one request, which
 * saves a CORS preflight and a round trip per 4 MiB.
 */
export function defaultChunkSize(registry: string): number {
  return isLoopbackHost(registry) ? CHUNK_SIZE_LIMITS.max : DEFAULT_CHUNK;
}

/**
 * The first allocation of a download; the buffer then grows fourfold as bytes arrive, never past the descriptor
 * size (a 14 MB blob: one copy of 4 MiB on the way, instead of four with doubling from 1 MiB).
 */
const FIRST_ALLOCATION = 4 << 20;
const GROWTH = 4;

/** A byte buffer that grows with what was received, up to `cap`: memory follows bytes, not a declared size. */
class GrowingBuffer {
  private buf: Uint8Array<ArrayBuffer>;
  /** The last {@link room} was the probe, not the buffer. */
  private probing = false;
  length = 0;
  constructor(private readonly cap: number) {
    this.buf = new Uint8Array(Math.min(cap, FIRST_ALLOCATION));
  }

  private grow(need: number): void {
    const next = new Uint8Array(Math.min(this.cap, Math.max(need, this.buf.length * GROWTH)));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Appends `piece`; the caller has checked that the total stays within `cap`. */
  push(piece: Uint8Array): void {
    const need = this.length + piece.length;
    if (need > this.buf.length) this.grow(need);
    this.buf.set(piece, this.length);
    this.length = need;
  }

  /**
   * Where a BYOB read puts the next bytes: the free end of the buffer (grown when full), or once `cap` bytes are
   * in, a one-byte probe of its own that only a body longer than `cap` can fill.
   */
  room(): Uint8Array<ArrayBuffer> {
    if (this.length === this.buf.length && this.length < this.cap) this.grow(this.length + 1);
    this.probing = this.length === this.buf.length;
    return this.probing ? new Uint8Array(1) : this.buf.subarray(this.length);
  }

  /**
   * Takes back the view a BYOB read of {@link room} returned (the read moved the buffer into it) with the bytes it
   * added; the caller has checked the total against `cap` first.
   */
  adopt(view: Uint8Array): void {
    if (this.probing) return; // nothing of ours moved
    this.buf = new Uint8Array(view.buffer as ArrayBuffer);
    this.length += view.byteLength;
  }

  /** The bytes received; no copy when they fill the buffer (a complete blob always does). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
  }
}

/** Reports of a transfer come at least this far apart: a progress bar needs no more than a frame's worth. */
const PROGRESS_INTERVAL_MS = 16;

/**
 * Calls `onProgress` at most every 1% and every 16 ms, and at the end: each report redraws the page's progress bar,
 * and one per 64 KiB read (a 14 MB pull: 220 redraws) cost more main-thread time than the read itself.
 */
function throttled(onProgress: ProgressFn | undefined, total: number): ProgressFn | undefined {
  if (!onProgress) return undefined;
  const step = Math.max(256 * 1024, total / 100);
  let last = -Infinity;
  let at = -Infinity;
  return (done, all) => {
    const now = performance.now();
    if (done !== all && (done - last < step || now - at < PROGRESS_INTERVAL_MS)) return;
    last = done;
    at = now;
    onProgress(done, all);
  };
}

/** `sha256:<hex>` of `bytes`, cancellable; an abort becomes RegistryError `aborted`. */
async function digestOf(bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  try {
    return await sha256Digest(bytes, signal);
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    throw e;
  }
}

/**
 * GETs a blob and verifies it: refuses a descriptor above the download limit before sending anything, stops as
 * soon as more than `size` bytes arrive, then checks size and digest. The buffer grows with the bytes received,
 * so a registry that claims gigabytes and sends little costs little. Unverified bytes are never returned. No
 * Authorization goes to another origin after a redirect.
 */
export async function getBlob(
  t: Transport,
  repository: string,
  digest: string,
  size: number,
  { signal, onProgress, maxBytes = DEFAULT_MAX_BLOB_BYTES }: DownloadOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  if (!digest.startsWith('sha256:'))
    throw new RegistryError(
      'unsupported',
      `Only sha256 blobs can be verified here, not ${digest.split(':')[0]}.`,
    );
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RegistryError('bad-response', `The descriptor of ${digest} has an invalid size.`);
  const url = t.url(`/v2/${repository}/blobs/${digest}`);
  if (size > maxBytes)
    throw new RegistryError(
      'blob-limit',
      `Blob ${digest.slice(0, 19)}… is ${formatBytes(size)}, more than the download limit of ${formatBytes(maxBytes)}; it was not downloaded.`,
      { url },
    );
  const res = await t.send({
    method: 'GET',
    url,
    scopes: [repoScope(repository, 'pull')],
    signal,
    what: `Downloading blob ${digest.slice(0, 19)}…`,
  });
  if (!res.body) throw new RegistryError('bad-response', 'The blob response has no body.', { url });
  const out = new GrowingBuffer(size);
  const progress = throttled(onProgress, size);
  const tooLarge = () =>
    new RegistryError(
      'size-mismatch',
      `Blob ${digest} is larger than its descriptor says (${size} bytes); the download was stopped.`,
      { url },
    );
  // Read straight into the buffer where the body allows it (see deadline.ts), and stop at the last byte when the
  // framing says no more can come: Chromium signals the end of a 14 MB body 25-45 ms after its last byte. Without a
  // Content-Length of exactly the size, the read goes on to the end, so a longer body is still caught.
  const byob = byobReader(res.body);
  const reader = byob ?? res.body.getReader();
  const framed = res.headers.get('content-length') === String(size);
  try {
    while (!(framed && out.length === size)) {
      if (byob) {
        const { done, value } = await byob.read(out.room());
        if (done) {
          if (value) out.adopt(value);
          break;
        }
        if (out.length + value.byteLength > size) throw tooLarge();
        out.adopt(value);
      } else {
        const { done, value } = await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
        if (done) break;
        if (out.length + value.length > size) throw tooLarge();
        out.push(value);
      }
      progress?.(out.length, size);
    }
  } catch (e) {
    if (e instanceof RegistryError) {
      await reader.cancel().catch(() => {});
      throw e;
    }
    if (signal?.aborted) throw new RegistryError('aborted', 'The operation was cancelled.', { url });
    throw new RegistryError('network', `Downloading blob ${digest} was interrupted.`, { url, cause: e });
  }
  // Stopped at the last byte: the end of the stream follows on its own, read off so the connection finishes cleanly.
  if (framed)
    void (
      byob ? byob.read(new Uint8Array(1)) : (reader as ReadableStreamDefaultReader<Uint8Array>).read()
    ).catch(() => {});
  if (out.length !== size)
    throw new RegistryError(
      'size-mismatch',
      `Blob ${digest} has ${out.length} bytes, but its descriptor says ${size}.`,
      { url },
    );
  const bytes = out.bytes();
  // One native hash of the whole blob beats hashing each piece as it arrives in JavaScript or Wasm.
  const actual = await digestOf(bytes, signal);
  if (actual !== digest)
    throw new RegistryError(
      'digest-mismatch',
      `Blob ${digest} arrived with digest ${actual}; it was discarded.`,
      { url },
    );
  return bytes;
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

export interface UploadSession {
  location: string;
  /** `OCI-Chunk-Min-Length`, or 0. */
  minChunk: number;
  /** Bytes already sent in it (all of them, by {@link beginUpload}), so only the PUT `?digest=` is left. */
  sent?: number;
}

async function startUpload(t: Transport, repository: string, signal?: AbortSignal): Promise<UploadSession> {
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

/** Abandons an upload session (DS-main `DELETE <location>`); the answer does not matter. */
async function cancelUpload(t: Transport, repository: string, location: string): Promise<void> {
  await t
    .send({
      method: 'DELETE',
      url: location,
      scopes: [repoScope(repository, 'pull,push')],
      accept: [400, 404, 405],
      what: 'Cancelling an upload',
    })
    .then((r) => r.body?.cancel())
    .catch(() => {});
}

async function finish(
  t: Transport,
  repository: string,
  location: string,
  digest: string,
  body: Blob | Uint8Array<ArrayBuffer> | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
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
  // 201 Created naming our digest is the registry's own word that it stored the blob (DS "POST then PUT").
  return res.status === 201 && said === digest;
}

/**
 * Failures no other way of sending the blob fixes (the user's, the credentials', the network's): a registry's refusal
 * of chunks is not one of them, and gets the blob in one request instead.
 */
const isFinal = (e: unknown) =>
  !(e instanceof RegistryError) || ['unauthorized', 'denied', 'aborted', 'network'].includes(e.code);

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
  started: UploadSession,
): Promise<'fallback' | { confirmed: boolean }> {
  let location = started.location;
  const size = Math.max(chunkSize, started.minChunk);
  let offset = 0;
  let first = true;
  let stalls = 0;
  while (offset < bytes.length) {
    const end = Math.min(offset + size, bytes.length) - 1;
    // A view or a slice, not a copy: fetch sends exactly its bytes.
    const body =
      opts.body?.slice(offset, end + 1) ?? (bytes.subarray(offset, end + 1) as Uint8Array<ArrayBuffer>);
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
      if (first && !isFinal(e)) {
        await cancelUpload(t, repository, location);
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
  return { confirmed: await finish(t, repository, location, digest, undefined, opts.signal) };
}

/**
 * Uploads one blob: HEAD (skipped when present; the upload session opens meanwhile), then monolithic (≤ chunk size)
 * or chunked PATCHes with own offset tracking. A finish the registry answered with 201 and our digest is the
 * confirmation; otherwise a HEAD confirms. `digest` is computed when not given (pass it when it is known: hashing
 * is the slowest local step).
 */
export async function uploadBlob(
  t: Transport,
  repository: string,
  bytes: Uint8Array,
  opts: UploadOptions & { digest?: string } = {},
): Promise<UploadResult> {
  // A blob worth sending gets its upload session while the registry is asked whether it has the blob (and, when
  // the digest is not given, while it is hashed): one round trip instead of two. A blob it has costs a cancelled
  // session. Small blobs (configs, mostly already there) ask first.
  if (opts.body && opts.body.size !== bytes.length)
    throw new RangeError(`The upload body has ${opts.body.size} bytes, not ${bytes.length}.`);
  const early =
    opts.session?.session ??
    (bytes.length > EARLY_SESSION_BYTES ? settled(startUpload(t, repository, opts.signal)) : null);
  const digest = opts.digest ?? (await digestOf(bytes, opts.signal));
  if (await blobExists(t, repository, digest, opts.signal)) {
    opts.session?.stop();
    const session = await early;
    if (session?.ok) void cancelUpload(t, repository, session.value.location);
    opts.onProgress?.(bytes.length, bytes.length);
    return { digest, skipped: true, method: 'existing' };
  }
  const session = async () => {
    const got = await early;
    if (!got) return startUpload(t, repository, opts.signal);
    if (got.ok) return got.value;
    // The bytes sent ahead were refused (a registry that takes no PATCH, as GAR): one request with the digest.
    if (opts.session && !isFinal(got.error)) {
      t.onWarning?.('The registry refused an upload in a PATCH; sending the blob in one PUT instead.');
      return startUpload(t, repository, opts.signal);
    }
    throw got.error;
  };
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const mode = opts.mode ?? 'auto';
  const chunked = mode === 'chunked' || (mode === 'auto' && bytes.length > chunkSize);
  let method: UploadResult['method'] = 'monolithic';
  let confirmed: boolean | null = null;
  let started: UploadSession | null = await session();
  if (started.sent === bytes.length) {
    // Every byte went ahead, in one PATCH: only the digest is left to give.
    method = 'chunked';
    confirmed = await finish(t, repository, started.location, digest, undefined, opts.signal);
    opts.onProgress?.(bytes.length, bytes.length);
  } else if (chunked) {
    const r = await uploadChunked(t, repository, bytes, digest, chunkSize, opts, started);
    started = null; // used (and cancelled on a fallback)
    if (r === 'fallback')
      t.onWarning?.('The registry refused a chunked upload; sending the blob in one request instead.');
    else {
      method = 'chunked';
      confirmed = r.confirmed;
    }
  }
  if (confirmed === null) {
    const { location } = started ?? (await startUpload(t, repository, opts.signal));
    // The caller's Blob, or the bytes, which the transport turns into the body its fetch sends fastest.
    confirmed = await finish(
      t,
      repository,
      location,
      digest,
      opts.body ?? (bytes as Uint8Array<ArrayBuffer>),
      opts.signal,
    );
    opts.onProgress?.(bytes.length, bytes.length);
  }
  if (!confirmed && !(await blobExists(t, repository, digest, opts.signal)))
    throw new RegistryError('bad-response', `The registry does not have blob ${digest} after the upload.`);
  return { digest, skipped: false, method };
}

/** Blobs above this get their upload session while the registry is asked whether it has them. */
const EARLY_SESSION_BYTES = 64 * 1024;

/**
 * Begins the upload of `bytes` whose digest is still being computed, for an {@link uploadBlob} that passes it as
 * `session`: opens the session and, when `whole` (the blob would go in one request anyway), sends every byte in one
 * PATCH. The hash then runs while the bytes travel, and the upload ends with a PUT `?digest=` of no body.
 */
export function beginUpload(
  t: Transport,
  repository: string,
  bytes: Uint8Array,
  { signal, whole, body }: { signal?: AbortSignal; whole: boolean; body?: Blob },
): PendingUpload | undefined {
  // Small blobs ask first, as uploadBlob does: most are there already, and a session would only add a round trip.
  if (bytes.length <= EARLY_SESSION_BYTES) return undefined;
  const stopper = new AbortController();
  const s = signal ? AbortSignal.any([signal, stopper.signal]) : stopper.signal;
  const session = settled(
    (async (): Promise<UploadSession> => {
      // The session is opened whatever happens next, so that one stopped early is still cancelled, not left behind.
      const started = await startUpload(t, repository, signal);
      if (stopper.signal.aborted) {
        void cancelUpload(t, repository, started.location);
        throw new RegistryError('aborted', 'The upload begun ahead was not needed.');
      }
      if (!whole || !bytes.length) return started;
      const end = bytes.length - 1;
      let res: Response;
      try {
        res = await t.send({
          method: 'PATCH',
          url: started.location,
          scopes: [repoScope(repository, 'pull,push')],
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${end}` },
          body: body ?? (bytes as Uint8Array<ArrayBuffer>),
          signal: s,
          what: `Uploading ${formatBytes(bytes.length)}`,
        });
      } catch (e) {
        // Stopped (the registry has the blob) or refused: the session is not used.
        void cancelUpload(t, repository, started.location);
        throw e;
      }
      await res.body?.cancel().catch(() => {});
      const at = rangeEnd(res);
      if (at !== null && at !== end) {
        void cancelUpload(t, repository, started.location);
        throw new RegistryError('bad-response', `The registry kept ${at + 1} of ${bytes.length} bytes.`, {
          url: started.location,
        });
      }
      const location = res.headers.get('location') ? locationOf(t, res, 'Uploading') : started.location;
      return { ...started, location, sent: bytes.length };
    })(),
  );
  return { session, stop: () => stopper.abort() };
}

/** Cancels an upload begun with {@link beginUpload} that no upload took. */
export async function dropUpload(t: Transport, repository: string, pending: PendingUpload): Promise<void> {
  pending.stop();
  const got = await pending.session;
  if (got.ok) await cancelUpload(t, repository, got.value.location);
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise's outcome as a value, so a failure that turns out not to matter is never unhandled. */
function settled<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
