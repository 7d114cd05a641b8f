/**
 * The Browse view's state, kept for the page: the registry and repository the user typed, the level on screen
 * (a registry's repositories, a repository's tags, two policies compared), the catalog pages read so far, the tag
 * table and deletes, and the comparison. A user action navigates and acts; an address (`#/registry/…`, `#/repo/…`,
 * `#/diff/…`) acts through openFromRoute(), which ignores the address the app itself just set.
 */
import { diffPolicies, KEY_TITLE, KEY_VERSION, pullPolicy, type PolicyDiff } from '../lib/kubewarden';
import { parseReference, splitReferencePair } from '../lib/oci';
import { router } from './app.svelte';
import { TagDeletion } from './browse-delete.svelte';
import { TagTable } from './browse-tags.svelte';
import { connections, normalizeHost } from './connections.svelte';
import { Operation, type Subject } from './operation.svelte';
import { hashFor, type BrowseTarget } from './router.svelte';

/** Catalog page sizes (`n`); distribution accepts 1 to 1000 and answers more with 400 PAGINATION_NUMBER_INVALID. */
export const CATALOG_PAGE_SIZES = [25, 100, 1000] as const;

export type BrowseLevel = 'start' | 'registry' | 'repo' | 'diff';

/** One side of a comparison: what was pulled (digests verified by the client). */
export interface ComparedPolicy {
  reference: string;
  /** The image manifest's digest. */
  digest: string;
  layerDigest: string;
  size: number;
  title: string | null;
  version: string | null;
}

export interface Comparison {
  left: ComparedPolicy;
  right: ComparedPolicy;
  diff: PolicyDiff;
}

/** Failure codes that mean "this registry will not list its repositories for you", not "it cannot be reached". */
const CATALOG_REFUSALS = [
  'unauthorized',
  'denied',
  'realm-declined',
  'not-found',
  'unsupported',
  'bad-response',
];

/** The registry of a typed host (`index.docker.io` → `docker.io`); throws `invalid-reference` for a bad one. */
export function hostOf(text: string): string {
  return parseReference(`${normalizeHost(text)}/x`).registry;
}

/**
 * A typed repository as host and path: a full `host/path[:tag]`, or a path on `currentHost` when its first
 * segment is not a host. Throws `invalid-reference` saying what is wrong.
 */
export function repositoryOf(text: string, currentHost: string): { host: string; repository: string } {
  const typed = text.trim();
  let ref = parseReference(typed);
  const named = /^(?:[a-z]+:\/\/)?(?:docker\.io|index\.docker\.io)\//i.test(typed);
  if (ref.registry === 'docker.io' && !named && currentHost) ref = parseReference(`${currentHost}/${typed}`);
  return { host: ref.registry, repository: ref.repository };
}

const keyOf = (target: BrowseTarget) => hashFor({ view: 'browse', ref: null, browse: target });

export class BrowseState {
  level = $state<BrowseLevel>('start');
  hostTyped = $state('');
  repositoryTyped = $state('');
  /** The registry whose catalog is (or was last) on screen. */
  host = $state('');
  repositories = $state.raw<string[]>([]);
  /** The next catalog page's URL, from the registry's `Link`; null when the last page was read. */
  catalogNext = $state<string | null>(null);
  catalogFilter = $state('');
  catalogPageSize = $state<number>(100);
  diffLeft = $state('');
  diffRight = $state('');
  /** Tags picked for comparison: at most two, the newest pick last. */
  compareTags = $state.raw<string[]>([]);

  readonly catalog = new Operation<number>((e, s, signal) =>
    connections.explain(e, `${s.reference}/catalog`, signal),
  );
  readonly tags = new TagTable();
  readonly deletion = new TagDeletion(this.tags);
  readonly comparison = new Operation<Comparison>((e, _s: Subject, signal) =>
    connections.explain(e, this.compareFailedOn || this.diffLeft, signal),
  );

  /** The last target acted on: the address the app sets after acting is not a second request. */
  private requested = '';
  private compareFailedOn = '';

  readonly filteredRepositories = $derived.by(() => {
    const f = this.catalogFilter.trim().toLowerCase();
    return f ? this.repositories.filter((r) => r.includes(f)) : this.repositories;
  });

  /** The catalog failed because the registry does not list repositories (to this user): type one instead. */
  get catalogRefused(): boolean {
    const s = this.catalog.state;
    return s.status === 'error' && !!s.error && CATALOG_REFUSALS.includes(s.error.code);
  }

  /** The registry and repository of what is on screen, for the path links above it. */
  get location(): { host: string; repository: string | null } {
    if (this.level === 'registry') return { host: this.host, repository: null };
    if (this.level === 'repo') return { host: this.tags.host, repository: this.tags.repository };
    try {
      const left = parseReference(this.diffLeft);
      return { host: left.registry, repository: left.repository };
    } catch {
      return { host: '', repository: null };
    }
  }

  /** Registries to suggest for the host field: the ones added, and the local default. */
  get knownHosts(): string[] {
    const hosts = connections.registries.map((r) => r.host);
    const local = connections.defaultRegistry?.host;
    // A throwaway Set for de-duplication, never rendered.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    return [...new Set(local ? [local, ...hosts] : hosts)];
  }

  /** "List repositories": shows the typed registry's catalog and records it in the address. */
  showRegistry(text = this.hostTyped): void {
    let host: string;
    try {
      host = hostOf(text);
    } catch {
      host = normalizeHost(text);
    }
    if (!host) return;
    router.navigate({ view: 'browse', ref: null, browse: { level: 'registry', host } });
    void this.openRegistry(host, { reload: host === this.host });
  }

  /** "Open repository": shows the typed repository's tags. An invalid text fails in the tag list, explained. */
  showRepository(text = this.repositoryTyped): void {
    const typed = text.trim();
    if (!typed) return;
    let target: { host: string; repository: string };
    try {
      target = repositoryOf(typed, hostOfOrEmpty(this.hostTyped) || this.host);
    } catch (e) {
      this.level = 'repo';
      void this.tags.listing.run({ reference: typed }, () => Promise.reject(e));
      return;
    }
    router.navigate({ view: 'browse', ref: null, browse: { level: 'repo', ...target } });
    void this.openRepository(target.host, target.repository, { reload: true });
  }

  /** Compares the two picked tags, the older version on the left. */
  compareSelected(): void {
    const [a, b] = this.compareTags;
    if (!a || !b) return;
    const order = this.tags.tags;
    const [older, newer] = order.indexOf(a) > order.indexOf(b) ? [a, b] : [b, a];
    this.showDiff(this.tags.tagReference(older), this.tags.tagReference(newer));
  }

  showDiff(left: string, right: string): void {
    router.navigate({ view: 'browse', ref: null, browse: { level: 'diff', left, right } });
    void this.openDiff(left, right, { reload: true });
  }

  /** Picks or unpicks a tag for comparison; a third pick drops the oldest. */
  toggleCompare(tag: string): void {
    const picked = this.compareTags;
    this.compareTags = picked.includes(tag) ? picked.filter((t) => t !== tag) : [...picked, tag].slice(-2);
  }

  /** An address arrived (a link, Back/Forward, a fresh load): act on it unless it is what was acted on last. */
  openFromRoute(target: BrowseTarget): void {
    if (keyOf(target) === this.requested) return;
    if (target.level === 'registry') void this.openRegistry(target.host);
    else if (target.level === 'repo') void this.openRepository(target.host, target.repository);
    else {
      // The router cut the address at the first `..`; a tag may hold `..`, so cut again where both sides parse.
      const pair = splitReferencePair(`${target.left}..${target.right}`) ?? target;
      void this.openDiff(pair.left, pair.right);
    }
  }

  /** Shows a registry's repositories: the first catalog page, unless this registry's pages are already here. */
  async openRegistry(host: string, { reload = false } = {}): Promise<void> {
    this.requested = keyOf({ level: 'registry', host });
    this.level = 'registry';
    this.hostTyped = host;
    const s = this.catalog.state;
    if (!reload && host === this.host && (s.status === 'done' || s.status === 'running')) return;
    this.host = host;
    this.repositories = [];
    this.catalogNext = null;
    this.catalogFilter = '';
    await this.readCatalogPage(null);
  }

  /** Reads the next catalog page the registry linked. */
  loadMoreRepositories(): Promise<void> {
    return this.catalogNext ? this.readCatalogPage(this.catalogNext) : Promise.resolve();
  }

  setCatalogPageSize(n: number): void {
    this.catalogPageSize = CATALOG_PAGE_SIZES.find((s) => s === n) ?? 100;
    void this.openRegistry(this.host, { reload: true });
  }

  private async readCatalogPage(next: string | null): Promise<void> {
    const host = this.host;
    await this.catalog.run({ reference: host }, async (signal) => {
      const ref = parseReference(`${host}/catalog`);
      const page = await connections
        .clientFor(ref)
        .catalogPage(ref, { n: this.catalogPageSize, next }, signal);
      // A throwaway Set for de-duplication, never rendered.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const seen = new Set(this.repositories);
      this.repositories = [...this.repositories, ...page.items.filter((r) => !seen.has(r))];
      // A registry that links back to a page already read would loop; stop there.
      this.catalogNext = page.next && page.next !== next ? page.next : null;
      return this.repositories.length;
    });
  }

  /** Shows a repository's tags; the same repository already listed is not listed again unless `reload`. */
  async openRepository(host: string, repository: string, { reload = false } = {}): Promise<void> {
    this.requested = keyOf({ level: 'repo', host, repository });
    this.level = 'repo';
    this.repositoryTyped = repository;
    this.hostTyped = host;
    const same = this.tags.name === `${host}/${repository}`;
    const s = this.tags.listing.state;
    if (!reload && same && (s.status === 'done' || s.status === 'running')) return;
    if (!same) this.compareTags = [];
    this.deletion.dismiss();
    await this.tags.open(host, repository);
  }

  /** Pulls both policies (every digest verified) and compares them. */
  async openDiff(left: string, right: string, { reload = false } = {}): Promise<void> {
    this.requested = keyOf({ level: 'diff', left, right });
    this.level = 'diff';
    const same = left === this.diffLeft && right === this.diffRight;
    this.diffLeft = left;
    this.diffRight = right;
    const { host, repository } = this.location;
    if (host) [this.hostTyped, this.repositoryTyped] = [host, repository ?? ''];
    if (!reload && same && this.comparison.state.status === 'done') return;
    this.compareFailedOn = '';
    await this.comparison.run({ reference: `${left}..${right}` }, async (signal, progress) => {
      const done = [0, 0];
      const total = [0, 0];
      const pull = async (text: string, i: number): Promise<ComparedPolicy & { bytes: Uint8Array }> => {
        try {
          const ref = parseReference(text);
          const p = await pullPolicy(connections.clientFor(ref), ref, {
            signal,
            onProgress: (d, t) => {
              done[i] = d;
              total[i] = t;
              progress(done[0] + done[1], total[0] + total[1]);
            },
          });
          const annotations = p.manifest.annotations ?? {};
          return {
            reference: ref.canonical,
            digest: p.digest,
            layerDigest: p.layer.digest,
            size: p.bytes.length,
            title: annotations[KEY_TITLE] ?? null,
            version: annotations[KEY_VERSION] ?? null,
            bytes: p.bytes,
          };
        } catch (e) {
          this.compareFailedOn ||= text;
          throw e;
        }
      };
      const [{ bytes: a, ...l }, { bytes: b, ...r }] = await Promise.all([pull(left, 0), pull(right, 1)]);
      return { left: l, right: r, diff: diffPolicies(a, b) };
    });
  }

  /** The view is shown again: a read that leaving cancelled runs again, so the level is not left empty. */
  resume(): void {
    if (this.level === 'registry' && this.host && this.catalog.state.status === 'idle')
      void this.openRegistry(this.host, { reload: true });
    else if (this.level === 'repo' && this.tags.host && this.tags.listing.state.status === 'idle')
      void this.tags.reload();
    else if (this.level === 'repo' && this.tags.listing.state.status === 'done') void this.tags.loadVisible();
    else if (this.level === 'diff' && this.diffLeft && this.comparison.state.status === 'idle')
      void this.openDiff(this.diffLeft, this.diffRight, { reload: true });
  }

  /** Leaving the view cancels reads only it shows; a confirmed delete goes on. Unfinished reads run again on return. */
  leave(): void {
    const unfinished = this.catalog.running || this.tags.listing.running || this.comparison.running;
    this.catalog.cancel();
    this.comparison.cancel();
    this.tags.leave();
    this.deletion.leave();
    if (unfinished) this.requested = '';
  }
}

function hostOfOrEmpty(text: string): string {
  try {
    return text.trim() ? hostOf(text) : '';
  } catch {
    return '';
  }
}

/** The one Browse state of the page. */
export const browse = new BrowseState();
