/**
 * Drafts of the metadata being edited, one per module, keyed by the module's SHA-256 in their own IndexedDB
 * store. The value is opaque here: the editor state decides what it saves and checks what it reads back.
 */
import { del, get, set, type UseStore } from 'idb-keyval';
import { createStore, databaseExists } from './store';

export const DRAFTS_DATABASE = 'wasmlens-drafts';

/** A saved draft: what the editor handed over, and when. */
export interface Draft<T = unknown> {
  /** The module's SHA-256 (hex). */
  sha256: string;
  /** The module's file name when the draft was saved, for display only. */
  name: string;
  savedAt: number;
  value: T;
}

let store: UseStore | null = null;
const drafts = () => (store ??= createStore(DRAFTS_DATABASE, 'drafts'));

const isHex64 = (s: string) => /^[0-9a-f]{64}$/.test(s);

/** Saves (replaces) the draft for a module. */
export async function saveDraft<T>(
  sha256: string,
  name: string,
  value: T,
  signal?: AbortSignal,
): Promise<Draft<T>> {
  if (!isHex64(sha256)) throw new TypeError(`A draft key must be a SHA-256 in hex, not "${sha256}"`);
  signal?.throwIfAborted();
  const draft: Draft<T> = { sha256, name, savedAt: Date.now(), value };
  await set(sha256, draft, drafts());
  return draft;
}

/**
 * The draft for a module, or undefined. The stored value is returned as `unknown`: IndexedDB content may come
 * from an older version of the app, so the caller checks its shape.
 */
export async function loadDraft(sha256: string, signal?: AbortSignal): Promise<Draft | undefined> {
  // Reading must not create the database: "Clear all local data" should leave nothing behind.
  if (!(await databaseExists(DRAFTS_DATABASE))) return undefined;
  signal?.throwIfAborted();
  const draft = await get<unknown>(sha256, drafts());
  if (!draft || typeof draft !== 'object') return undefined;
  const d = draft as Partial<Draft>;
  if (d.sha256 !== sha256 || typeof d.savedAt !== 'number' || !('value' in d)) return undefined;
  return { sha256, name: typeof d.name === 'string' ? d.name : '', savedAt: d.savedAt, value: d.value };
}

/** Deletes the draft for a module (no error when there is none). */
export async function discardDraft(sha256: string, signal?: AbortSignal): Promise<void> {
  if (!(await databaseExists(DRAFTS_DATABASE))) return;
  signal?.throwIfAborted();
  await del(sha256, drafts());
}
