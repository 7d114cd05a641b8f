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
