/**
 * Recently opened files and registry references, in their own IndexedDB store. Only names, sizes and digests
 * are kept; a file's bytes are stored only when the user asked to keep a copy.
 */
import { del, entries, get, set, type UseStore } from 'idb-keyval';
import { createStore, databaseExists } from './store';

export type RecentItem =
  | { kind: 'file'; name: string; sha256: string; size: number; openedAt: number; kept: boolean }
  | { kind: 'reference'; reference: string; digest?: string; openedAt: number };

export const RECENTS_LIMIT = 20;

let recentsStore: UseStore | null = null;
let filesStore: UseStore | null = null;
const recents = () => (recentsStore ??= createStore('wasmlens-recents', 'recents'));
const files = () => (filesStore ??= createStore('wasmlens-recent-files', 'files'));

const keyOf = (item: RecentItem) => (item.kind === 'file' ? `file:${item.sha256}` : `ref:${item.reference}`);

/** Newest first. */
export async function listRecents(): Promise<RecentItem[]> {
  if (!(await databaseExists('wasmlens-recents'))) return [];
  const all = (await entries<string, RecentItem>(recents())).map(([, v]) => v);
  return all.sort((a, b) => b.openedAt - a.openedAt);
}

/** Records an item (replacing an older entry for the same file or reference) and trims the list. */
export async function addRecent(item: RecentItem, bytes?: Uint8Array): Promise<void> {
  if (item.kind === 'file' && item.kept && bytes) await set(item.sha256, bytes, files());
  await set(keyOf(item), item, recents());
  const all = await listRecents();
  for (const old of all.slice(RECENTS_LIMIT)) await removeRecent(old);
}

export async function removeRecent(item: RecentItem): Promise<void> {
  await del(keyOf(item), recents());
  if (item.kind === 'file') await del(item.sha256, files());
}

/** The kept copy of a recent file, or undefined when none was kept. */
export async function keptFile(sha256: string): Promise<Uint8Array | undefined> {
  if (!(await databaseExists('wasmlens-recent-files'))) return undefined;
  return get<Uint8Array>(sha256, files());
}

/**
 * The localStorage key of entries a page was still writing when it was unloaded: IndexedDB work started then may
 * never finish, so they are kept synchronously and written on the next start (drafts do the same).
 */
export const RECENTS_STASH_KEY = 'wasmlens-recents-stash';

/** Keeps `items` synchronously for the next start; a file's bytes are never stashed, so its copy is not kept. */
export function stashRecents(items: readonly RecentItem[]): void {
  if (typeof localStorage === 'undefined' || !items.length) return;
  const plain = items.map((i) => (i.kind === 'file' ? { ...i, kept: false } : i));
  try {
    localStorage.setItem(RECENTS_STASH_KEY, JSON.stringify(plain));
  } catch {
    // Full or disabled: the IndexedDB writes (still running) are then all there is.
  }
}

/** Writes the entries an unloaded page stashed, unless a newer entry for the same file or reference is there. */
export async function restoreStashedRecents(): Promise<void> {
  if (typeof localStorage === 'undefined') return;
  const text = localStorage.getItem(RECENTS_STASH_KEY);
  if (text === null) return;
  let stashed: unknown;
  try {
    stashed = JSON.parse(text);
  } catch {
    stashed = null;
  }
  const present = new Map((await listRecents()).map((i) => [keyOf(i), i.openedAt]));
  for (const item of Array.isArray(stashed) ? stashed : [])
    if (isRecentItem(item) && (present.get(keyOf(item)) ?? -Infinity) < item.openedAt) await addRecent(item);
  localStorage.removeItem(RECENTS_STASH_KEY);
}

/** The shape a stashed entry must have: it comes back from storage another page wrote. */
function isRecentItem(x: unknown): x is RecentItem {
  const o = x as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.openedAt !== 'number') return false;
  if (o.kind === 'file')
    return typeof o.name === 'string' && typeof o.sha256 === 'string' && typeof o.size === 'number';
  return o.kind === 'reference' && typeof o.reference === 'string';
}
