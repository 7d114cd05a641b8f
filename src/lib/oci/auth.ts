/** Registry auth: Basic straight to the registry, or Bearer tokens from the realm (GET, or OAuth2 POST with refresh). */
import { DEFAULT_TIMEOUT_MS, fetchWithin } from './deadline';
import { pickChallenge, parseWwwAuthenticate, type Challenge } from './challenge';
import { RegistryError, errorFromResponse, readTextCapped } from './errors';
import { isLoopbackHost } from './reference';
import { TokenCache, tokenCacheKey } from './token-cache';

/** What the user gave: username and password (or a PAT as password), an identity token, or a raw registry token. */
export interface Credentials {
  username?: string;
  password?: string;
  /** Docker `identitytoken`: used as the OAuth2 refresh token. */
  identityToken?: string;
  /** Docker `registrytoken`: sent as Bearer directly. */
  registryToken?: string;
}

export type AuthMode = 'auto' | 'anonymous' | 'basic' | 'bearer' | 'oauth2';

export interface AuthOptions {
  fetch: typeof fetch;
  credentials?: Credentials;
  mode?: AuthMode;
  /** Replaces the challenge's realm (per-registry token endpoint override). */
  tokenEndpoint?: string;
  onWarning?: (message: string) => void;
  /** Asked before Basic credentials go to a realm on another origin; false sends the token request anonymously. */
  confirmRealm?: (realm: string) => boolean | Promise<boolean>;
  now?: () => number;
  /** The registry's request time limit, for the token service too (absent: DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** UTF-8 safe base64 of `user:pass` (btoa alone is Latin-1 only). */
export function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

interface TokenAnswer {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
  refresh_token?: string;
}

/**
 * Per-registry authenticator. It remembers the scheme the registry asked for, so later requests carry credentials
 * up front, and caches tokens by realm, service and scopes.
 */
export class Authenticator {
  readonly cache: TokenCache;
  private scheme: 'none' | 'basic' | 'bearer' | null = null;
  private bearer: { realm: string; service: string } | null = null;
  private refreshToken: string | undefined;
  private oauth2Missing = false;
  private realmAllowed: boolean | null = null;
  /** The question about the realm while it is open. */
  private realmAsked: Promise<boolean> | null = null;
  /** Number of token requests sent (for tests and diagnostics). */
  tokenRequests = 0;

  /** Token requests in flight, by cache key. */
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(
    private readonly opts: AuthOptions,
    private readonly registryOrigin: string,
  ) {
    this.cache = new TokenCache(opts.now);
    this.refreshToken = opts.credentials?.identityToken;
    if (opts.mode === 'basic') this.scheme = 'basic';
    if (opts.mode === 'anonymous') this.scheme = 'none';
  }

  /** True when the user gave any credentials for this registry. */
  get hasCredentials(): boolean {
    const c = this.opts.credentials;
    return this.hasUserPass || !!c?.identityToken || !!c?.registryToken;
  }

  private get hasUserPass(): boolean {
    const c = this.opts.credentials;
    return !!c && c.username !== undefined && c.password !== undefined && c.username + c.password !== '';
  }

  /** The Authorization header to send up front for `scopes`, or null. Only for URLs on the registry origin. */
  async headerFor(url: string, scopes: string[], signal?: AbortSignal): Promise<string | null> {
    if (new URL(url).origin !== this.registryOrigin) return null;
    const c = this.opts.credentials;
    if (c?.registryToken) return `Bearer ${c.registryToken}`;
    if (this.scheme === 'basic' && this.hasUserPass) return basicAuth(c!.username!, c!.password!);
    if (this.scheme === 'bearer' && this.bearer) {
      const cached = this.cache.get(this.bearer.realm, this.bearer.service, scopes);
      if (cached) return `Bearer ${cached}`;
      return `Bearer ${await this.fetchToken(this.bearer.realm, this.bearer.service, scopes, signal)}`;
    }
    return null;
  }

  /**
   * Handles a 401: reads the challenge and prepares credentials. Returns the header to retry with,
   * or throws `unauthorized` when there is nothing to retry with.
   */
  async answer(res: Response, scopes: string[], signal?: AbortSignal, sent?: string | null): Promise<string> {
    const header = res.headers.get('www-authenticate');
    const challenge: Challenge | null = header ? pickChallenge(parseWwwAuthenticate(header)) : null;
    if (this.opts.mode === 'anonymous' || this.opts.credentials?.registryToken) throw await unauthorized(res);
    if (!challenge) {
      // CORS may hide the header: fall back to the configured mode.
      if (this.hasUserPass && this.opts.mode !== 'bearer' && this.opts.mode !== 'oauth2') {
        this.scheme = 'basic';
        return basicAuth(this.opts.credentials!.username!, this.opts.credentials!.password!);
      }
      throw await unauthorized(res);
    }
    if (challenge.scheme === 'basic') {
      if (!this.hasUserPass) throw await unauthorized(res, 'The registry needs a username and password.');
      this.scheme = 'basic';
      await res.body?.cancel().catch(() => {});
      return basicAuth(this.opts.credentials!.username!, this.opts.credentials!.password!);
    }
    const realm = this.opts.tokenEndpoint ?? challenge.params.realm;
    if (!realm) throw await unauthorized(res, 'The Bearer challenge names no realm.');
    await res.body?.cancel().catch(() => {});
    const service = challenge.params.service ?? '';
    this.scheme = 'bearer';
    this.bearer = { realm, service };
    const wanted = [...new Set([...scopes, ...(challenge.params.scope ?? '').split(' ').filter(Boolean)])];
    // A cached token the registry just refused must not be offered again.
    if (sent?.startsWith('Bearer ')) {
      this.cache.delete(realm, service, wanted);
      this.cache.delete(realm, service, scopes);
    }
    return `Bearer ${await this.fetchToken(realm, service, wanted, signal)}`;
  }

  private sendCredentialsTo(realm: URL): Promise<boolean> {
    if (realm.origin === this.registryOrigin) return Promise.resolve(true);
    if (this.realmAllowed !== null) return Promise.resolve(this.realmAllowed);
    // Requests that meet the challenge together (a tag check beside a blob upload) share one question.
    this.realmAsked ??= (async () => {
      this.opts.onWarning?.(
        `The registry's token service is on another host (${realm.host}); your credentials are sent there.`,
      );
      const allowed = this.opts.confirmRealm ? await this.opts.confirmRealm(realm.href) : true;
      this.realmAllowed = allowed;
      return allowed;
    })().finally(() => (this.realmAsked = null));
    return this.realmAsked;
  }

  /** True when the user declined sending credentials to the token realm for the request that just failed. */
  get realmDeclined(): boolean {
    return this.realmAllowed === false;
  }

  /** Forgets a declined realm so that the next action asks again (an allowed one stays allowed). */
  resetDeclinedRealm(): void {
    if (this.realmAllowed === false) this.realmAllowed = null;
  }

  /**
   * Gets a token for `scopes` from the realm (OAuth2 POST when holding a refresh token or asked to; else GET).
   * Blobs travel in parallel: requests that need the same token while it is being fetched share that one fetch.
   */
  async fetchToken(realm: string, service: string, scopes: string[], signal?: AbortSignal): Promise<string> {
    const cached = this.cache.get(realm, service, scopes);
    if (cached) return cached;
    const key = tokenCacheKey(realm, service, scopes);
    const pending = this.fetching.get(key);
    if (pending) return pending;
    const request = this.requestToken(realm, service, scopes, signal).finally(() =>
      this.fetching.delete(key),
    );
    this.fetching.set(key, request);
    return request;
  }

  private async requestToken(
    realm: string,
    service: string,
    scopes: string[],
    signal?: AbortSignal,
  ): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError('bad-response', `The token realm "${realm}" is not a URL.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host)))
      throw new RegistryError('unsupported', `Refusing the non-https token realm ${url.origin}.`, {
        url: url.origin,
      });
    const c = this.opts.credentials;
    const withCreds = this.hasUserPass || !!this.refreshToken ? await this.sendCredentialsTo(url) : false;
    let answer: TokenAnswer | null = null;
    const wantPost = withCreds && (!!this.refreshToken || this.opts.mode === 'oauth2') && !this.oauth2Missing;
    if (wantPost) {
      const form = new URLSearchParams({ service, client_id: 'wasmlens' });
      if (scopes.length) form.set('scope', scopes.join(' '));
      if (this.refreshToken) {
        form.set('grant_type', 'refresh_token');
        form.set('refresh_token', this.refreshToken);
      } else {
        form.set('grant_type', 'password');
        form.set('username', c!.username!);
        form.set('password', c!.password!);
        form.set('access_type', 'offline');
      }
      const res = await this.call(url, {
        method: 'POST',
        body: form.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        signal,
      });
      if (res.status === 404 || res.status === 405) {
        this.oauth2Missing = true;
        await res.body?.cancel().catch(() => {});
      } else if (!res.ok) {
        if (this.refreshToken && !this.opts.credentials?.identityToken) this.refreshToken = undefined;
        throw await tokenError(res);
      } else answer = await readToken(res);
    }
    if (!answer) {
      const get = new URL(url);
      get.searchParams.set('service', service);
      for (const s of scopes) get.searchParams.append('scope', s);
      get.searchParams.set('client_id', 'wasmlens');
      const headers: Record<string, string> = {};
      if (withCreds && this.hasUserPass) headers.Authorization = basicAuth(c!.username!, c!.password!);
      const res = await this.call(get, { method: 'GET', headers, signal });
      if (!res.ok) throw await tokenError(res);
      answer = await readToken(res);
    }
    const token = answer.token || answer.access_token;
    if (!token) throw new RegistryError('bad-response', 'The token service answered without a token.');
    if (answer.refresh_token) this.refreshToken = answer.refresh_token;
    this.cache.set(realm, service, scopes, token, answer.expires_in, answer.issued_at);
    return token;
  }

  private async call(url: URL, init: RequestInit): Promise<Response> {
    this.tokenRequests++;
    try {
      return await fetchWithin(
        this.opts.fetch,
        { ...init, credentials: 'omit' },
        {
          limitMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          what: 'Asking the token service',
          url: url.href,
        },
      );
    } catch (e) {
      if (init.signal?.aborted) throw new RegistryError('aborted', 'The operation was cancelled.');
      if (e instanceof RegistryError) throw e;
      throw new RegistryError('network', `The token service at ${url.origin} could not be reached.`, {
        url: url.origin,
        cause: e,
      });
    }
  }
}

async function readToken(res: Response): Promise<TokenAnswer> {
  // Read before parsing: a cancelled read is a cancel, not "not JSON".
  const text = await readTextCapped(res, 1 << 20);
  try {
    const json = JSON.parse(text) as TokenAnswer;
    if (typeof json !== 'object' || json === null) throw new Error('not an object');
    return json;
  } catch {
    throw new RegistryError('bad-response', 'The token service answered with something that is not JSON.', {
      url: res.url,
    });
  }
}

async function tokenError(res: Response): Promise<RegistryError> {
  const e = await errorFromResponse(res, 'The token request');
  if (res.status === 401 || res.status === 403)
    return new RegistryError(
      'unauthorized',
      `The token service refused the credentials (HTTP ${res.status}).`,
      {
        status: res.status,
        url: new URL(res.url || 'http://x').origin,
        detail: e.detail,
      },
    );
  return e;
}

async function unauthorized(res: Response, why?: string): Promise<RegistryError> {
  const e = await errorFromResponse(res, 'The request');
  return new RegistryError('unauthorized', why ?? `The registry requires authentication (HTTP 401).`, {
    status: 401,
    url: res.url,
    detail: e.detail,
  });
}
