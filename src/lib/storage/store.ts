/**
 * IndexedDB stores for idb-keyval that let go of their connection when another tab or "Clear all local data"
 * deletes the database. idb-keyval's own createStore keeps the connection forever, which blocks deletion.
 */
import type { UseStore } from 'idb-keyval';

/** A one-object-store database, opened lazily and reopened after a version change closed it. */
export function createStore(dbName: string, storeName: string): UseStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName);
      request.onerror = () => reject(request.error ?? new Error(`Could not open ${dbName}`));
      request.onsuccess = () => {
        const opened = request.result;
        opened.onversionchange = () => {
          opened.close();
          db = null;
        };
        resolve(opened);
      };
    });
  return (mode, callback) =>
    (db ??= open()).then((opened) => callback(opened.transaction(storeName, mode).objectStore(storeName)));
}

/** True when the database exists, so read-only callers can avoid creating it just to find it empty. */
export async function databaseExists(dbName: string): Promise<boolean> {
  const dbs = await indexedDB.databases();
  return dbs.some((d) => d.name === dbName);
}
