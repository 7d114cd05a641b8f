/** In-memory bearer token cache keyed by (realm, service, sorted unique scopes), with expiry (oci.md §7.4). */

export interface CachedToken {
  token: string;
  /** Epoch ms after which the token is not used. */
  expiresAt: number;
}

/** The cache key: realm, service and the sorted unique scopes. */
export function tokenCacheKey(realm: string, service: string, scopes: string[]): string {
  return JSON.stringify([realm, service, [...new Set(scopes)].sort()]);
}

/** Tokens live until issued_at (or receive time) + expires_in (default 60 s) − 30 s. */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  constructor(private readonly now: () => number = Date.now) {}

  /** The token for exactly this realm, service and scope set, unless expired. */
  get(realm: string, service: string, scopes: string[]): string | null {
    const key = tokenCacheKey(realm, service, scopes);
    const hit = this.entries.get(key);
    if (!hit) return null;
    if (hit.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return hit.token;
  }

  /** Stores a token answer; `issuedAt` is RFC 3339 or absent, `expiresIn` seconds or absent. */
  set(
    realm: string,
    service: string,
    scopes: string[],
    token: string,
    expiresIn?: number,
    issuedAt?: string,
  ) {
    const received = this.now();
    const issued = issuedAt ? Date.parse(issuedAt) : NaN;
    // A server clock far from ours must not make the token look expired or eternal: trust it within 5 min.
    const base = Number.isFinite(issued) && Math.abs(issued - received) < 300_000 ? issued : received;
    const life = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60;
    this.entries.set(tokenCacheKey(realm, service, scopes), {
      token,
      expiresAt: base + Math.max(life - 30, 1) * 1000,
    });
  }

  /** Forgets one token (the registry rejected it before its expiry). */
  delete(realm: string, service: string, scopes: string[]): void {
    this.entries.delete(tokenCacheKey(realm, service, scopes));
  }

  /** Forgets every token (e.g. when credentials change). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
