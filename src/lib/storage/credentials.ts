/**
 * Saved registries and their credentials, in their own IndexedDB store. Only registries the user chose to
 * remember are written here; the others live in memory for the tab (see src/state/registry.svelte.ts).
 */
import { clear, del, entries, set, type UseStore } from 'idb-keyval';
import { sanitizeSettings, type RegistrySettings } from '../oci';
import { createStore, databaseExists } from './store';

/** One registry the user added: where it is and how to sign in. */
export interface SavedRegistry {
  /** `host[:port]` as it appears in references, e.g. `ghcr.io` or `127.0.0.1:5000`. The key. */
  host: string;
  /** API base URL or proxy (may carry a path prefix); empty means `https://<host>` (or http on loopback). */
  baseUrl: string;
  /** Empty when anonymous. */
  username: string;
  /** Password or token; empty when anonymous. */
  secret: string;
  /** Stored in IndexedDB only when true. */
  remember: boolean;
  /** Advanced per-registry settings (oci.md §8.5); absent or partial means the library's defaults. */
  settings?: RegistrySettings;
}

export const REGISTRIES_DB = 'wasmlens-registries';

let store: UseStore | null = null;
const registries = () => (store ??= createStore(REGISTRIES_DB, 'registries'));

/** Checks an untrusted stored value (another version, a tampered profile) before anything uses it. */
function isSavedRegistry(value: unknown): value is SavedRegistry {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.host === 'string' &&
    v.host.length > 0 &&
    typeof v.baseUrl === 'string' &&
    typeof v.username === 'string' &&
    typeof v.secret === 'string'
  );
}

/** The remembered registries, sorted by host. Does not create the database when none exists yet. */
export async function listSavedRegistries(): Promise<SavedRegistry[]> {
  if (!(await databaseExists(REGISTRIES_DB))) return [];
  const all = await entries<string, unknown>(registries());
  return all
    .map(([, v]) => v)
    .filter(isSavedRegistry)
    .map((v) => ({ ...v, settings: sanitizeSettings(v.settings), remember: true }))
    .sort((a, b) => a.host.localeCompare(b.host));
}

/** Remembers a registry (replacing an entry for the same host). */
export async function saveRegistry(entry: SavedRegistry): Promise<void> {
  const { host, baseUrl, username, secret } = entry;
  const settings = sanitizeSettings(entry.settings);
  await set(host, { host, baseUrl, username, secret, settings, remember: true }, registries());
}

/** Forgets one registry and its credentials. */
export async function forgetRegistry(host: string): Promise<void> {
  if (!(await databaseExists(REGISTRIES_DB))) return;
  await del(host, registries());
}

/** Forgets every saved registry and credential. */
export async function forgetAllRegistries(): Promise<void> {
  if (!(await databaseExists(REGISTRIES_DB))) return;
  await clear(registries());
}
