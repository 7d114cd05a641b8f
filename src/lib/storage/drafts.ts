/**
 * Drafts of the metadata being edited, one per module, keyed by the module's SHA-256 in their own IndexedDB
 * store. The value is opaque here: the editor state decides what it saves and checks what it reads back. Each
 * draft carries a version, bumped on every write, so two tabs editing one module notice each other's writes.
 * A page that is unloading cannot wait for IndexedDB, so its last edit is stashed synchronously in localStorage and
 * moved into IndexedDB by the next read.
 */
import { del, get, keys, set, update, type UseStore } from 'idb-keyval';
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
  /** 1 for the first write, then one more per write; 0 for a draft saved before versions existed. */
  version: number;
  /** Which tab wrote it (a random id per page load), so a tab can tell its own writes from others'. */
  tab: string;
}

/** What a checked save did: written, or refused because another tab wrote a newer version first. */
export type SaveOutcome<T> = { ok: true; draft: Draft<T> } | { ok: false; current: Draft };

let store: UseStore | null = null;
const drafts = () => (store ??= createStore(DRAFTS_DATABASE, 'drafts'));

const isHex64 = (s: string) => /^[0-9a-f]{64}$/.test(s);

function checkKey(sha256: string): void {
  if (!isHex64(sha256)) throw new TypeError(`A draft key must be a SHA-256 in hex, not "${sha256}"`);
}

/** A stored value read back as a draft (IndexedDB content may come from an older version), or undefined. */
function asDraft(sha256: string, stored: unknown): Draft | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const d = stored as Partial<Draft>;
  if (d.sha256 !== sha256 || typeof d.savedAt !== 'number' || !('value' in d)) return undefined;
  return {
    sha256,
    name: typeof d.name === 'string' ? d.name : '',
    savedAt: d.savedAt,
    value: d.value,
    version: typeof d.version === 'number' && Number.isSafeInteger(d.version) ? d.version : 0,
    tab: typeof d.tab === 'string' ? d.tab : '',
  };
}

/** Saves (replaces) the draft for a module, whatever is stored. */
export async function saveDraft<T>(
  sha256: string,
  name: string,
  value: T,
  signal?: AbortSignal,
  { version = 1, tab = '' }: { version?: number; tab?: string } = {},
): Promise<Draft<T>> {
  checkKey(sha256);
  signal?.throwIfAborted();
  const draft: Draft<T> = { sha256, name, savedAt: Date.now(), value, version, tab };
  await set(sha256, draft, drafts());
  return draft;
}

/**
 * Saves the draft only if the stored one is still `baseVersion` (or was written by `tab` itself, or is gone): read
 * and write happen in one IndexedDB transaction, so a write by another tab in between is never overwritten.
 */
export async function saveDraftIfUnchanged<T>(
  sha256: string,
  name: string,
  value: T,
  { baseVersion, tab }: { baseVersion: number; tab: string },
): Promise<SaveOutcome<T>> {
  checkKey(sha256);
  let outcome: SaveOutcome<T> | null = null;
  await update(
    sha256,
    (stored: unknown) => {
      const current = asDraft(sha256, stored);
      if (current && current.version !== baseVersion && current.tab !== tab) {
        outcome = { ok: false, current };
        return stored; // written back unchanged
      }
      const draft: Draft<T> = {
        sha256,
        name,
        savedAt: Date.now(),
        value,
        version: Math.max(baseVersion, current?.version ?? 0) + 1,
        tab,
      };
      outcome = { ok: true, draft };
      return draft;
    },
    drafts(),
  );
  return outcome!;
}

/** localStorage keys of stashed drafts: the prefix, then the module's SHA-256. */
export const DRAFT_STASH_PREFIX = 'wasmlens-draft-stash:';

/**
 * Keeps a draft synchronously (localStorage), for a page that is being unloaded: IndexedDB work started then may
 * never finish. The next {@link loadDraft} of the module moves it into IndexedDB unless a newer draft is there.
 */
export function stashDraft<T>(sha256: string, name: string, value: T, version: number, tab: string): void {
  checkKey(sha256);
  const draft: Draft<T> = { sha256, name, savedAt: Date.now(), value, version, tab };
  try {
    localStorage.setItem(DRAFT_STASH_PREFIX + sha256, JSON.stringify(draft));
  } catch {
    // Full or disabled: the IndexedDB save (tried as well) is then all there is.
  }
}

function readStash(sha256: string): Draft | undefined {
  try {
    const text =
      typeof localStorage === 'undefined' ? null : localStorage.getItem(DRAFT_STASH_PREFIX + sha256);
    return text === null ? undefined : asDraft(sha256, JSON.parse(text));
  } catch {
    return undefined;
  }
}

function dropStash(sha256: string): void {
  try {
    localStorage.removeItem(DRAFT_STASH_PREFIX + sha256);
  } catch {
    // Nothing to drop.
  }
}

/** Every localStorage key that holds a stashed draft. */
export function stashKeys(): string[] {
  if (typeof localStorage === 'undefined') return [];
  const out: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(DRAFT_STASH_PREFIX)) out.push(key);
  }
  return out;
}

/** The stashed modules' SHA-256s. */
function stashedKeys(): string[] {
  return stashKeys()
    .map((k) => k.slice(DRAFT_STASH_PREFIX.length))
    .filter(isHex64);
}

/**
 * The draft for a module, or undefined. The stored value is returned as `unknown`: IndexedDB content may come
 * from an older version of the app, so the caller checks its shape.
 */
export async function loadDraft(sha256: string, signal?: AbortSignal): Promise<Draft | undefined> {
  const stashed = readStash(sha256);
  // Reading must not create the database: "Clear all local data" should leave nothing behind.
  const stored = (await databaseExists(DRAFTS_DATABASE))
    ? asDraft(sha256, await get<unknown>(sha256, drafts()))
    : undefined;
  signal?.throwIfAborted();
  if (!stashed) return stored;
  // The stash is the unloading page's last edit; a draft saved later (by another tab) wins over it.
  if (stored && stored.savedAt > stashed.savedAt) {
    dropStash(sha256);
    return stored;
  }
  const draft = { ...stashed, version: Math.max(stashed.version, (stored?.version ?? 0) + 1) };
  await set(sha256, draft, drafts());
  dropStash(sha256);
  return draft;
}

/** The SHA-256 of every module that has a draft (for marking the Recent list). */
export async function listDraftKeys(): Promise<string[]> {
  const stored = (await databaseExists(DRAFTS_DATABASE))
    ? (await keys(drafts())).filter((k): k is string => typeof k === 'string' && isHex64(k))
    : [];
  return [...new Set([...stored, ...stashedKeys()])];
}

/** Deletes the draft for a module (no error when there is none). */
export async function discardDraft(sha256: string, signal?: AbortSignal): Promise<void> {
  dropStash(sha256);
  if (!(await databaseExists(DRAFTS_DATABASE))) return;
  signal?.throwIfAborted();
  await del(sha256, drafts());
}
