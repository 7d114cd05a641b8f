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
  const source = res.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
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
          const { done, value } = await source.read();
          if (stalled) return;
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (e) {
          if (!stalled) controller.error(e);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        clearTimeout(timer);
        return source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const watched = new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
  // A new Response has no URL or redirect flag of its own; callers resolve Location and Link against them.
  Object.defineProperties(watched, { url: { value: res.url }, redirected: { value: res.redirected } });
  return watched;
}
