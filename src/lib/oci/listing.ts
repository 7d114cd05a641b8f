/** Paged listings (tags, catalog) and referrers with the fallback tag (oci.md §6). */
import { RegistryError, readTextCapped } from './errors';
import { getManifest } from './manifests';
import { isIndexType, MT } from '../common';
import type { Descriptor, Manifest } from './media-types';
import { nextLink } from './tags';
import { repoScope, type Transport } from './transport';

const MAX_PAGES = 1000;

/** One page of a paged listing: its names and the resolved URL of the next page, or null on the last one. */
export interface ListPage {
  items: string[];
  next: string | null;
}

/** Reads one page of `json[key]` at `url` (a path is resolved against the base), with its `rel="next"` link. */
export async function listPage(
  t: Transport,
  url: string,
  key: 'tags' | 'repositories',
  scopes: string[],
  signal?: AbortSignal,
): Promise<ListPage> {
  const target = url.startsWith('/') ? t.url(url) : url;
  const res: Response = await t.send({ method: 'GET', url: target, scopes, signal, what: `Listing ${key}` });
  // Read before parsing: a read that fails (cancelled, stalled, too large) says so, and is not "not JSON".
  const text = await readTextCapped(res, 16 << 20);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new RegistryError('bad-response', `The ${key} list is not JSON.`, { url: target });
  }
  const items = json?.[key];
  if (items !== null && items !== undefined && !Array.isArray(items))
    throw new RegistryError('bad-response', `The ${key} list has no "${key}" array.`, { url: target });
  const names = ((items as unknown[]) ?? []).filter((x): x is string => typeof x === 'string');
  const next = nextLink(res.headers.get('link'));
  return { items: names, next: next ? t.resolve(next, res.url || target) : null };
}

/** Follows `Link: <…>; rel="next"` from `path`, collecting `json[key]`. Stops when a URL repeats. */
export async function listTagsPaged(
  t: Transport,
  path: string,
  key: 'tags' | 'repositories',
  scopes: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  let url: string | null = t.url(path);
  while (url) {
    if (seen.has(url) || seen.size >= MAX_PAGES) {
      t.onWarning?.('The registry sent a repeating page link; the list stops there.');
      break;
    }
    seen.add(url);
    const page: ListPage = await listPage(t, url, key, scopes, signal);
    for (const x of page.items) out.push(x);
    url = page.next;
  }
  return out;
}

/** `auto`: the API, else the fallback tag; `api`: the API only; `tag`: the fallback tag only (oci.md §6.3, §8.5). */
export type ReferrersMode = 'auto' | 'api' | 'tag';

export interface ReferrersResult {
  descriptors: Descriptor[];
  /** `api`: the referrers API answered; `tag`: the fallback tag; `none`: neither exists. */
  via: 'api' | 'tag' | 'none';
}

/** Lists referrers of `digest`, filtered by `artifactType` in the client unless the registry says it filtered. */
export async function listReferrers(
  t: Transport,
  repository: string,
  digest: string,
  {
    artifactType,
    signal,
    mode = 'auto',
  }: { artifactType?: string; signal?: AbortSignal; mode?: ReferrersMode } = {},
): Promise<ReferrersResult> {
  const filter = (ds: Descriptor[], applied: boolean) =>
    artifactType && !applied ? ds.filter((d) => d.artifactType === artifactType) : ds;
  const base = t.url(`/v2/${repository}/referrers/${digest}`);
  const url = artifactType ? `${base}?artifactType=${encodeURIComponent(artifactType)}` : base;
  let res: Response | null = null;
  if (mode !== 'tag')
    try {
      res = await t.send({
        method: 'GET',
        url,
        scopes: [repoScope(repository, 'pull')],
        headers: { Accept: MT.ociIndex },
        accept: [404, 400, 405],
        signal,
        what: 'Listing referrers',
      });
    } catch (e) {
      // distribution has no route: a browser sees a TypeError (no CORS on unmatched routes). Try the tag instead.
      if (!(e instanceof RegistryError) || e.code !== 'network' || mode === 'api') throw e;
    }
  if (res?.ok) {
    const text = await readTextCapped(res, 4 << 20);
    let index: Manifest;
    try {
      index = JSON.parse(text) as Manifest;
    } catch {
      index = { schemaVersion: 2 };
    }
    if (Array.isArray(index.manifests)) {
      const applied = (res.headers.get('oci-filters-applied') ?? '').includes('artifactType');
      return { descriptors: filter(index.manifests, applied), via: 'api' };
    }
  } else await res?.body?.cancel().catch(() => {});
  // `api` only: a registry without the API (or without referrers) has none to show; the tag is never read.
  if (mode === 'api') return { descriptors: [], via: 'none' };
  const tag = digest.replace(':', '-');
  try {
    const fallback = await getManifest(t, repository, tag, signal);
    if (!isIndexType(fallback.mediaType) || !Array.isArray(fallback.manifest.manifests))
      return { descriptors: [], via: 'none' };
    return { descriptors: filter(fallback.manifest.manifests, false), via: 'tag' };
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'not-found') return { descriptors: [], via: 'none' };
    throw e;
  }
}
