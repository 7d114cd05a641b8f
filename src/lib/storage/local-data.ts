/**
 * "Clear all local data": deletes every IndexedDB database Wasmlens created (drafts, registries and
 * credentials, recents, kept files, the user's Sigstore trusted root). The app shell cache is not user data and stays, so the app still works offline.
 */
import { stashKeys } from './drafts';
import { RECENTS_STASH_KEY } from './recents';

export const DATABASE_PREFIX = 'wasmlens-';

/** Names of Wasmlens databases that exist now (needs `indexedDB.databases()`, present in Chromium and Firefox). */
export async function listLocalDatabases(): Promise<string[]> {
  const dbs = await indexedDB.databases();
  return dbs.map((d) => d.name ?? '').filter((n) => n.startsWith(DATABASE_PREFIX));
}

/** Deletes them all; resolves with the names deleted. A database held open elsewhere is deleted when released. */
export async function clearAllLocalData(): Promise<string[]> {
  // Drafts and Recent entries stashed by a page that was unloading are local data too.
  for (const key of stashKeys()) localStorage.removeItem(key);
  if (typeof localStorage !== 'undefined') localStorage.removeItem(RECENTS_STASH_KEY);
  const names = await listLocalDatabases();
  await Promise.all(
    names.map(
      (name) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.deleteDatabase(name);
          req.onsuccess = () => resolve();
          req.onerror = () => reject(req.error ?? new Error(`Could not delete ${name}`));
          // Our stores close on versionchange (see store.ts), so a block clears itself; wait for onsuccess.
        }),
    ),
  );
  return names;
}
