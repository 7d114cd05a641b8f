/**
 * The Sigstore trusted root the user chose instead of the shipped public-good one (a private Sigstore instance),
 * in its own IndexedDB store. The JSON text is kept as given; the signatures state validates it on every load,
 * since a stored value may come from another version of the app or a tampered profile.
 */
import { del, get, set, type UseStore } from 'idb-keyval';
import { createStore, databaseExists } from './store';

export const TRUSTED_ROOT_DB = 'wasmlens-trusted-root';
const KEY = 'custom';

/** A user-supplied `trusted_root.json`: its text, the file name (or "pasted") and when it was saved. */
export interface SavedTrustedRoot {
  json: string;
  name: string;
  savedAt: number;
}

let store: UseStore | null = null;
const roots = () => (store ??= createStore(TRUSTED_ROOT_DB, 'roots'));

/** Saves (replaces) the user's trusted root. */
export async function saveTrustedRoot(entry: SavedTrustedRoot): Promise<void> {
  const { json, name, savedAt } = entry;
  await set(KEY, { json, name, savedAt }, roots());
}

/** The saved trusted root, or undefined. Does not create the database when none exists. */
export async function loadTrustedRoot(): Promise<SavedTrustedRoot | undefined> {
  if (!(await databaseExists(TRUSTED_ROOT_DB))) return undefined;
  const v = await get<unknown>(KEY, roots());
  if (!v || typeof v !== 'object') return undefined;
  const { json, name, savedAt } = v as Record<string, unknown>;
  if (typeof json !== 'string' || typeof savedAt !== 'number') return undefined;
  return { json, name: typeof name === 'string' ? name : '', savedAt };
}

/** Forgets the saved trusted root, so the shipped one is used again. */
export async function forgetTrustedRoot(): Promise<void> {
  if (!(await databaseExists(TRUSTED_ROOT_DB))) return;
  await del(KEY, roots());
}
