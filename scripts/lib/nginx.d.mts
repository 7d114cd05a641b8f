// Types for nginx.mjs, so TypeScript tests can render the recipe.
export function renderNginxSite(options: {
  /** Exact page origins allowed by CORS, or ['*']. */
  origins: string[] | string;
  /** nginx `listen` value, e.g. '127.0.0.1:5002' or '443 ssl'. */
  listen: string;
  /** The registry, e.g. 'http://127.0.0.1:5001'. */
  upstream: string;
  /** A token server served as `location /token` on the same origin. */
  tokenUpstream?: string;
  /** Keeps the map variable unique when several sites share one nginx. */
  name?: string;
}): string;
export function renderNginxMain(options: { dir: string; sites: string[] }): string;
export function startNginx(options: {
  dir: string;
  sites: string[];
  readyUrls?: string[];
}): Promise<{ stop: () => Promise<void> }>;
