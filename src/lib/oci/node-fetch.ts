/**
 * The client's default `fetch`: the runtime's own, except in Node for a request with a large byte body (a blob
 * upload), which goes through node:http instead. Node's fetch copies such a body before sending it and then sends
 * it slower: a 14 MB PUT to a registry on this machine took 79 ms through fetch and 63 ms through node:http
 * (docs/performance.md). Everything else, and everything in a browser, is plain `fetch`.
 */

/** Bodies at least this large go through node:http; below it the copy costs nothing worth a second path. */
export const NODE_HTTP_MIN_BODY = 1024 * 1024;

interface NodeIncoming {
  statusCode?: number;
  statusMessage?: string;
  rawHeaders: string[];
  resume(): void;
  destroy(): void;
}
interface NodeRequest {
  on(event: 'error', fn: (e: Error) => void): NodeRequest;
  end(body: Uint8Array): void;
}
interface NodeHttp {
  request(
    url: string,
    options: { method: string; headers: Record<string, string>; signal?: AbortSignal },
    onResponse: (res: NodeIncoming) => void,
  ): NodeRequest;
}
interface NodeStream {
  Readable: { toWeb(readable: NodeIncoming): ReadableStream<Uint8Array> };
}

/** Node's modules, found at run time so bundles for the page never name them (as lib/common's hasher does). */
const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  ?.getBuiltinModule;
const node = builtin
  ? {
      http: builtin('node:http') as NodeHttp,
      https: builtin('node:https') as NodeHttp,
      stream: builtin('node:stream') as NodeStream,
    }
  : null;

/** True where {@link defaultFetch} sends large byte bodies itself: a caller should hand it bytes, not a Blob. */
export const defaultFetchTakesBytes = node !== null;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NO_BODY = new Set([204, 205, 304]);

/**
 * Node's fetch with a byte body as a Blob: a Uint8Array body is moved into the request stream, and a 307 that makes
 * fetch send it again then fails on the moved buffer ("detached ArrayBuffer").
 */
const plainFetch: typeof fetch = (input, init) =>
  globalThis.fetch(
    input,
    init?.body instanceof Uint8Array
      ? { ...init, body: new Blob([init.body as Uint8Array<ArrayBuffer>]) }
      : init,
  );

/** `fetch`, with a large Uint8Array body in Node sent by node:http. */
export const defaultFetch: typeof fetch = (input, init) => {
  const body = init?.body;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
  if (!node || !url || !(body instanceof Uint8Array) || body.length < NODE_HTTP_MIN_BODY)
    return plainFetch(input, init);
  const protocol = new URL(url).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') return plainFetch(input, init);
  // A redirect is rare for an upload: fetch follows it, sending the body again.
  return sendBytes(protocol === 'https:' ? node.https : node.http, node.stream, url, init!, body).then(
    (res) => res ?? plainFetch(input, init),
  );
};

/**
 * One request with `body`, answered as a fetch Response whose body streams (so a registry's answer is read, and
 * limited, the way every other answer is). A failure rejects like fetch: a TypeError, or the signal's reason.
 */
function sendBytes(
  http: NodeHttp,
  stream: NodeStream,
  url: string,
  init: RequestInit,
  body: Uint8Array,
): Promise<Response | null> {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'POST', headers, signal: init.signal ?? undefined },
      (res) => {
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status) && init.redirect !== 'manual') {
          res.destroy();
          resolve(null);
          return;
        }
        let response: Response;
        try {
          const answer = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            answer.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          if (NO_BODY.has(status)) res.resume();
          response = new Response(NO_BODY.has(status) ? null : stream.Readable.toWeb(res), {
            status,
            statusText: res.statusMessage ?? '',
            headers: answer,
          });
        } catch (e) {
          // A status or header fetch would not accept either (fetch fails on them the same way).
          res.destroy();
          reject(new TypeError('fetch failed', { cause: e }));
          return;
        }
        // Locations and messages are resolved against the answer's URL, as fetch's Response carries it.
        Object.defineProperty(response, 'url', { value: url });
        resolve(response);
      },
    );
    req.on('error', (e) => {
      if (init.signal?.aborted) reject(init.signal.reason);
      else reject(new TypeError('fetch failed', { cause: e }));
    });
    req.end(body);
  });
}
