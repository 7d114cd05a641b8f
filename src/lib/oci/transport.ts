/** One registry request: credentials only to the registry origin, one retry after a 401, errors mapped to codes. */
import { Authenticator } from './auth';
import { DEFAULT_TIMEOUT_MS, fetchWithin } from './deadline';
import { RegistryError, errorFromResponse } from './errors';
import { defaultFetch, defaultFetchTakesBytes } from './node-fetch';
import { isLoopbackHost } from './reference';

export interface RequestSpec {
  method: string;
  url: string;
  /** Scopes this operation needs, e.g. `repository:x:pull,push`. */
  scopes: string[];
  headers?: Record<string, string>;
  body?: Uint8Array<ArrayBuffer> | Blob | string;
  signal?: AbortSignal;
  /** Statuses that are returned instead of thrown (besides 2xx). */
  accept?: number[];
  /** What the request does, for messages ("Reading the manifest of x:1"). */
  what: string;
}

/** Sends requests for one registry base URL. */
export class Transport {
  readonly origin: string;
  constructor(
    readonly fetchFn: typeof fetch,
    readonly baseUrl: string,
    readonly auth: Authenticator,
    readonly onWarning?: (message: string) => void,
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  /** `baseUrl` + `/v2/...`, keeping a path prefix of the base (a proxy under a path). */
  url(path: string): string {
    return this.baseUrl.replace(/\/+$/, '') + path;
  }

  /**
   * Resolves a Location or Link against the response URL. A `/v2/…` path on the base origin gets the base's path
   * prefix; another origin is allowed but warned about (no Authorization is sent there).
   */
  resolve(location: string, responseUrl: string): string {
    const u = new URL(location, responseUrl || this.baseUrl);
    const prefix = new URL(this.baseUrl).pathname.replace(/\/+$/, '');
    if (u.origin === this.origin && prefix && u.pathname.startsWith('/v2/')) u.pathname = prefix + u.pathname;
    if (u.origin !== this.origin)
      this.onWarning?.(
        `The registry sent this request to another host (${u.host}); no credentials go there.`,
      );
    return u.href;
  }

  /**
   * The request body this transport's fetch sends fastest for `bytes`: a Blob (Chromium sends one several times
   * faster than a Uint8Array, measured on 4 MiB PATCHes), or the bytes themselves for the default fetch in Node,
   * which sends them without a copy.
   */
  private body(bytes: Uint8Array<ArrayBuffer>): Blob | Uint8Array<ArrayBuffer> {
    return this.fetchFn === defaultFetch && defaultFetchTakesBytes ? bytes : new Blob([bytes]);
  }

  /** Sends the request; on 401 answers the challenge and retries once. Throws RegistryError on failure. */
  async send(spec: RequestSpec): Promise<Response> {
    let authz = await this.auth.headerFor(spec.url, spec.scopes, spec.signal);
    let res = await this.raw(spec, authz);
    if (res.status === 401 && new URL(spec.url).origin === this.origin) {
      authz = await this.auth.answer(res, spec.scopes, spec.signal, authz);
      res = await this.raw(spec, authz);
      if (res.status === 401) {
        // A second 401 with the credentials we chose: wrong password, or a token without the needed scope. Without
        // credentials, a missing scope means "sign in", not "your account lacks permission".
        const denied =
          this.auth.hasCredentials && /insufficient_scope/.test(res.headers.get('www-authenticate') ?? '');
        const e = await errorFromResponse(res, spec.what);
        if (this.auth.realmDeclined) {
          this.auth.resetDeclinedRealm();
          throw new RegistryError(
            'realm-declined',
            `${spec.what} failed: the credentials were not sent to the registry's token service, and without them the registry refused (HTTP 401).`,
            { status: 401, url: spec.url, detail: e.detail },
          );
        }
        throw new RegistryError(
          denied ? 'denied' : 'unauthorized',
          denied
            ? `${spec.what} was denied: these credentials lack permission (${spec.scopes.join(' ')}).`
            : this.auth.hasCredentials
              ? `${spec.what} failed: the registry did not accept the credentials (HTTP 401).`
              : `${spec.what} failed: the registry requires credentials (HTTP 401).`,
          { status: 401, url: spec.url, detail: e.detail },
        );
      }
    }
    // DS "Warnings": show them quietly, never act on them.
    const warning = res.headers.get('warning');
    if (warning) for (const m of warning.matchAll(/299\s+\S+\s+"((?:[^"\\]|\\.)*)"/g)) this.onWarning?.(m[1]);
    if (res.ok || spec.accept?.includes(res.status)) return res;
    throw await errorFromResponse(res, spec.what);
  }

  /**
   * One fetch with `credentials: 'omit'`; the Authorization header only on the registry origin. Fails with `timeout`
   * when no answer arrives within the registry's limit, and with `mixed-content` before sending what the browser
   * would block anyway (an https page calling plain http on another machine).
   */
  async raw(spec: RequestSpec, authz: string | null): Promise<Response> {
    const headers: Record<string, string> = { ...spec.headers };
    const target = new URL(spec.url);
    if (authz && target.origin === this.origin) headers.Authorization = authz;
    if (spec.signal?.aborted) throw abortErr(spec.url);
    if (pageIsHttps() && target.protocol === 'http:' && !isLoopbackHost(target.host))
      throw new RegistryError(
        'mixed-content',
        `${spec.what} was blocked: this page is https and ${target.origin} is plain http.`,
        { url: spec.url },
      );
    try {
      return await fetchWithin(
        this.fetchFn,
        {
          method: spec.method,
          headers,
          body: spec.body instanceof Uint8Array ? this.body(spec.body) : spec.body,
          credentials: 'omit',
          redirect: 'follow',
          signal: spec.signal,
        },
        { limitMs: this.timeoutMs, what: spec.what, url: spec.url },
      );
    } catch (e) {
      if (spec.signal?.aborted) throw abortErr(spec.url);
      if (e instanceof RegistryError) throw e;
      // Node says why (a redirect loop ends in "redirect count exceeded"); browsers hide it, and the diagnosis finds it.
      if (/redirect/i.test(String((e as { cause?: { message?: unknown } })?.cause?.message ?? '')))
        throw new RegistryError(
          'redirect-failed',
          `${spec.what} failed: ${target.origin} redirects in a loop (or past 20 redirects).`,
          { url: spec.url, cause: e },
        );
      throw new RegistryError(
        'network',
        `${spec.what} failed: ${target.origin} could not be reached, or the browser blocked the answer.`,
        { url: spec.url, cause: e },
      );
    }
  }
}

/** True in a page or worker served over https (never in Node, whose `location` is undefined). */
function pageIsHttps(): boolean {
  return (globalThis as { location?: { protocol?: string } }).location?.protocol === 'https:';
}

function abortErr(url: string) {
  return new RegistryError('aborted', 'The operation was cancelled.', { url });
}

/** `repository:<name>:<actions>` */
export function repoScope(repository: string, actions: string): string {
  return `repository:${repository}:${actions}`;
}
