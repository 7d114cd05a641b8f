/**
 * Time limits on one fetch: the answer's headers must arrive within the limit, and then each next piece of its
 * body. The registry's requests and its token service's share this, so neither can hold "Reading …" for as long as
 * a silent connection lives.
 */
import { RegistryError } from './errors';

/**
 * How long a request may wait for the registry's answer (headers), and then for each next piece of its body, before
 * it fails with `timeout`.
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** 30000 → "30", 300 → "0.3": what a message says of a time limit. */
export const seconds = (ms: number) => String(Number((ms / 1000).toFixed(1)));

export interface Deadline {
  limitMs: number;
  /** What the request does, for messages ("Reading the manifest of x:1"). */
  what: string;
  url: string;
}

/**
 * Fetches with `init.signal` and the header limit. A header timeout rejects with `timeout`; anything else the
 * fetch throws (including the caller's abort) is rethrown as it came, for the caller to name.
 */
export async function fetchWithin(fetchFn: typeof fetch, init: RequestInit, d: Deadline): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), d.limitMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
  let res: Response;
  try {
    res = await fetchFn(d.url, { ...init, signal });
  } catch (e) {
    if (timeout.signal.aborted && !init.signal?.aborted)
      throw new RegistryError(
        'timeout',
        `${d.what} failed: ${new URL(d.url).origin} did not answer within ${seconds(d.limitMs)} s.`,
        { url: d.url, cause: e },
      );
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return init.method === 'HEAD' ? res : watchBody(res, d);
}

/**
 * The response with a body that fails with `timeout` when nothing more arrives for the limit: a registry that sends
 * half a blob and then nothing would otherwise hold the read. The clock runs only while a read waits, so a slow but
 * steady body, or one the caller reads late, is never cut.
 */
export function watchBody(res: Response, d: Deadline): Response {
  // Statuses a Response cannot be built with a body for (and opaque answers) are passed on as they came.
  if (!res.body || [204, 205, 304].includes(res.status) || res.status < 200) return res;
  const watched = new Response(watchedStream(res.body, d), {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
  // A new Response has no URL or redirect flag of its own; callers resolve Location and Link against them.
  Object.defineProperties(watched, { url: { value: res.url }, redirected: { value: res.redirected } });
  return watched;
}

/** The reader a body gives for reads into the caller's own buffer, or null when it is not a byte stream. */
export function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return null; // not a byte stream (the stream is left unlocked)
  }
}

/** Pieces a default reader (`text()`, `json()`) of a watched byte stream gets. */
const AUTO_CHUNK = 64 * 1024;

/**
 * `body` with the stall clock. A byte stream stays one, so a reader can still read into its own buffer: in
 * Chromium, a 14 MB blob read that way (and stopped at its size) arrived in 60-76 ms, against 106-116 ms through
 * the chunks it allocates (docs/performance.md).
 */
function watchedStream(body: ReadableStream<Uint8Array>, d: Deadline): ReadableStream<Uint8Array> {
  const byob = byobReader(body);
  const source = byob ?? body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  /** `read`'s result, or null when the limit passed first (the stream has then failed with `timeout`). */
  const within = async <T>(controller: { error(e: unknown): void }, read: Promise<T>): Promise<T | null> => {
    timer = setTimeout(() => {
      stalled = true;
      controller.error(
        new RegistryError(
          'timeout',
          `${d.what} stalled: ${new URL(d.url).origin} sent part of the answer, then nothing for ${seconds(d.limitMs)} s.`,
          { url: d.url },
        ),
      );
      void source.cancel().catch(() => {});
    }, d.limitMs);
    try {
      const result = await read;
      return stalled ? null : result;
    } catch (e) {
      if (!stalled) controller.error(e);
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
  const cancel = (reason: unknown) => {
    clearTimeout(timer);
    return source.cancel(reason);
  };
  if (byob)
    return new ReadableStream(
      {
        type: 'bytes',
        autoAllocateChunkSize: AUTO_CHUNK,
        async pull(controller) {
          // With autoAllocateChunkSize every pull has a request, from a BYOB reader or allocated for a default one.
          const request = controller.byobRequest!;
          const r = await within(controller, byob.read(request.view as Uint8Array<ArrayBuffer>));
          if (!r) return;
          if (r.done) {
            controller.close();
            if (r.value) request.respondWithNewView(r.value); // the emptied view, handed back
          } else request.respondWithNewView(r.value);
        },
        cancel,
      },
      { highWaterMark: 0 },
    );
  const reader = source as ReadableStreamDefaultReader<Uint8Array>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const r = await within(controller, reader.read());
        if (!r) return;
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel,
    },
    { highWaterMark: 0 },
  );
}
