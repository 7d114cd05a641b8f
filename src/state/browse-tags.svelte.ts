/**
 * The tag table of one repository: every tag name (sorted semver-aware once, on arrival), filter, sort and paging,
 * and the details of each row (digest, kind, size, date, policy title and version) read lazily: one manifest GET
 * per row the user is shown, never for rows off screen, each cancelled when the user moves on. Deletes live in
 * browse-delete.svelte.ts; this file only shows what exists.
 */
import { SvelteMap } from 'svelte/reactivity';
import { summarizeArtifact, type ArtifactSummary, type DescriptorInfo } from '../lib/artifacts';
import { KEY_TITLE, KEY_VERSION, pullPolicy, readPolicyModel } from '../lib/kubewarden';
import { parseReference, sortTags, type Reference } from '../lib/oci';
import { parseWasm } from '../lib/wasm';
import { connections } from './connections.svelte';
import { describeFailure, isAbort, type Failure } from './failures';
import { Operation, type Subject } from './operation.svelte';

/** Rows per page the user can choose: a page is what is rendered and what is read. */
export const PAGE_SIZES = [25, 50, 100] as const;
/** Manifest requests in flight at once for one page. */
const PARALLEL = 4;
/** How long typing in the filter must pause before the rows it shows are read. */
export const FILTER_PAUSE_MS = 200;

export type TagSort = 'tag' | 'date' | 'size';

/** What is known about one tag, once its manifest was read (or failed to be). */
export type TagDetails =
  | {
      status: 'done';
      digest: string;
      mediaType: string;
      summary: ArtifactSummary;
      /** Kubewarden annotations kwctl copies into the manifest. */
      title: string | null;
      version: string | null;
    }
  | { status: 'error'; error: Failure };

const explainFor = (e: unknown, subject: Subject, signal: AbortSignal) =>
  connections.explain(e, subject.reference, signal);

/** Runs `fn` over `items` with at most `limit` at once; stops taking new items once `signal` aborts. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function compareBy(value: (d: TagDetails | undefined) => number | null, descending: boolean) {
  return (a: [string, TagDetails | undefined], b: [string, TagDetails | undefined]) => {
    const x = value(a[1]);
    const y = value(b[1]);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return descending ? y - x : x - y;
  };
}

export class TagTable {
  host = $state('');
  repository = $state('');
  /** Every tag, deduplicated and in sortTags order (newest version first). */
  tags = $state.raw<string[]>([]);
  filter = $state('');
  sort = $state<TagSort>('tag');
  descending = $state(true);
  page = $state(0);
  pageSize = $state<number>(PAGE_SIZES[0]);
  /** Details by tag; reactive per key, so reading one row does not copy the others. */
  readonly details = new SvelteMap<string, TagDetails>();
  /** Execution modes read from the Wasm on request, by manifest digest (kwctl does not put it in the manifest). */
  readonly modes = new SvelteMap<string, string>();

  readonly listing = new Operation<number>(explainFor);
  readonly reading = new Operation<number>(explainFor);
  readonly modeReading = new Operation<string>(explainFor);

  // Bookkeeping, never rendered: configs by digest, shared by every tag that names them; the tags being read.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private configs = new Map<string, Promise<Uint8Array | null>>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private pending = new Set<string>();
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  /** Tags matching the filter (case-insensitive substring). */
  readonly filtered = $derived.by(() => {
    const f = this.filter.trim().toLowerCase();
    return f ? this.tags.filter((t) => t.toLowerCase().includes(f)) : this.tags;
  });

  /** The filtered tags in display order. Date and size sort the rows already read; the others follow by tag. */
  readonly ordered = $derived.by(() => {
    if (this.sort === 'tag') return this.descending ? this.filtered : [...this.filtered].reverse();
    const value =
      this.sort === 'date'
        ? (d: TagDetails | undefined) => (d?.status === 'done' ? d.summary.createdMs : null)
        : (d: TagDetails | undefined) => (d?.status === 'done' ? d.summary.size : null);
    // Only the rows read are sorted (a page or a few); the others keep tag order after them.
    const known = this.filtered
      .filter((t) => this.details.has(t))
      .map((t): [string, TagDetails | undefined] => [t, this.details.get(t)]);
    const unknown = this.filtered.filter((t) => !this.details.has(t));
    // Array.prototype.sort is stable: equal values keep tag order.
    return [...known.sort(compareBy(value, this.descending)).map(([t]) => t), ...unknown];
  });

  readonly pageCount = $derived(Math.max(1, Math.ceil(this.ordered.length / this.pageSize)));
  /** The rows on screen: the only ones whose manifests are read. */
  readonly visible = $derived(this.ordered.slice(this.page * this.pageSize, (this.page + 1) * this.pageSize));
  /** Filtered tags whose manifests were not read yet (a date or size sort cannot place them). */
  readonly unread = $derived(this.filtered.filter((t) => !this.details.has(t)).length);

  /** `host/repository`, the subject of every operation of this table. */
  get name(): string {
    return `${this.host}/${this.repository}`;
  }

  /** A reference to one tag of this repository. */
  tagReference(tag: string): string {
    return `${this.name}:${tag}`;
  }

  /** Lists the repository's tags (every page the registry links), then reads the first page's manifests. */
  async open(host: string, repository: string): Promise<void> {
    this.reading.cancel();
    this.modeReading.cancel();
    this.host = host;
    this.repository = repository;
    this.tags = [];
    this.details.clear();
    this.page = 0;
    const state = await this.listing.run({ reference: this.name }, async (signal) => {
      const ref = parseReference(`${this.name}:latest`);
      const names = await connections.clientFor(ref).listTags(ref, signal);
      // A registry may repeat a name; each row must be one tag.
      // A throwaway Set for de-duplication, never rendered.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      this.tags = sortTags([...new Set(names)]);
      return this.tags.length;
    });
    if (state.status === 'done') await this.loadVisible();
  }

  /** Reloads the tag list (a tag may have moved). */
  reload(): Promise<void> {
    return this.open(this.host, this.repository);
  }

  /** Filters as the user types; the rows are read once typing pauses, so each keystroke is not a page of requests. */
  setFilter(text: string): void {
    this.filter = text;
    this.page = 0;
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => void this.loadVisible(), FILTER_PAUSE_MS);
  }

  setSort(sort: TagSort): void {
    if (this.sort === sort) this.descending = !this.descending;
    else {
      this.sort = sort;
      this.descending = true;
    }
    this.page = 0;
    void this.loadVisible();
  }

  setPageSize(size: number): void {
    this.pageSize = PAGE_SIZES.find((s) => s === size) ?? PAGE_SIZES[0];
    this.page = 0;
    void this.loadVisible();
  }

  goToPage(page: number): void {
    this.page = Math.max(0, Math.min(this.pageCount - 1, page));
    void this.loadVisible();
  }

  /** Reads the manifests of the rows on screen that have not been read; a newer call cancels an older one. */
  loadVisible(): Promise<void> {
    return this.read(this.visible.filter((t) => !this.details.has(t)));
  }

  /** Reads every filtered tag not read yet (the user asked, for a complete date or size sort). */
  loadAll(): Promise<void> {
    return this.read(this.filtered.filter((t) => !this.details.has(t)));
  }

  private async read(tags: string[]): Promise<void> {
    if (!tags.length || !this.host) return;
    // A read already under way for these rows goes on: restarting it would send its requests again.
    if (this.reading.running && tags.every((t) => this.pending.has(t))) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.pending = new Set(tags);
    await this.reading.run({ reference: this.name }, async (signal, progress) => {
      let done = 0;
      progress(0, tags.length);
      await eachLimited(tags, PARALLEL, signal, async (tag) => {
        await this.readTag(tag, signal);
        progress(++done, tags.length);
      });
      return done;
    });
  }

  private async readTag(tag: string, signal: AbortSignal): Promise<void> {
    try {
      const ref = parseReference(this.tagReference(tag));
      const client = connections.clientFor(ref);
      const fetched = await client.getManifest(ref, signal);
      let summary = summarizeArtifact(fetched.manifest, { mediaType: fetched.mediaType });
      if (summary.configToRead) {
        const configBytes = await this.config(ref, summary.configToRead, signal);
        if (configBytes)
          summary = summarizeArtifact(fetched.manifest, { mediaType: fetched.mediaType, configBytes });
      }
      const policy = summary.kind === 'kubewarden-policy';
      this.details.set(tag, {
        status: 'done',
        digest: fetched.digest,
        mediaType: fetched.mediaType,
        summary,
        title: policy ? (summary.annotations[KEY_TITLE] ?? null) : null,
        version: policy ? (summary.annotations[KEY_VERSION] ?? null) : null,
      });
    } catch (e) {
      // Per row, without the network diagnosis (which would send more requests for every failing row).
      if (!signal.aborted && !isAbort(e))
        this.details.set(tag, { status: 'error', error: describeFailure(e) });
    }
  }

  /** An image config, fetched once per digest (digest and size verified by the client); null if it cannot be. */
  private config(ref: Reference, d: DescriptorInfo, signal: AbortSignal): Promise<Uint8Array | null> {
    let p = this.configs.get(d.digest);
    if (!p) {
      p = connections
        .clientFor(ref)
        .getBlob(ref, { digest: d.digest, size: d.size ?? 0 }, { signal })
        .catch(() => null);
      this.configs.set(d.digest, p);
      // A cancelled fetch is not an answer: forget it so the next visit asks again.
      void p.then((bytes) => {
        if (!bytes && signal.aborted) this.configs.delete(d.digest);
      });
    }
    return p;
  }

  /** Reads a policy's execution mode from its Wasm (downloaded and verified), which the manifest does not carry. */
  async readMode(tag: string): Promise<void> {
    const d = this.details.get(tag);
    if (d?.status !== 'done') return;
    await this.modeReading.run({ reference: this.tagReference(tag) }, async (signal, onProgress) => {
      const ref = parseReference(`${this.name}@${d.digest}`);
      const pulled = await pullPolicy(connections.clientFor(ref), ref, { signal, onProgress });
      const model = readPolicyModel(pulled.bytes, parseWasm(pulled.bytes));
      const mode = model.execution.fromMetadata ? model.execution.mode : `${model.execution.mode} (guessed)`;
      this.modes.set(d.digest, mode);
      return mode;
    });
  }

  /** Forgets tags that no longer exist (after a delete), keeping the rest of the table as it is. */
  drop(removed: readonly string[]): void {
    // A throwaway Set for de-duplication, never rendered.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const gone = new Set(removed);
    this.tags = this.tags.filter((t) => !gone.has(t));
    for (const t of removed) this.details.delete(t);
    this.page = Math.min(this.page, this.pageCount - 1);
  }

  /** Cancels reads; the list and what was read stay for the next visit. */
  leave(): void {
    clearTimeout(this.filterTimer);
    this.listing.cancel();
    this.reading.cancel();
    this.modeReading.cancel();
  }
}
