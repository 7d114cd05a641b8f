/**
 * Saved registries and their credentials, in their own IndexedDB store. Only registries the user chose to
 * remember are written here; the others live in memory for the tab (see src/state/connections.svelte.ts). A secret
 * is stored as it is unless the user set a passphrase: then only its AES-GCM ciphertext is (./vault.ts).
 */
import { clear, del, entries, get, set, type UseStore } from 'idb-keyval';
import { sanitizeSettings, type RegistrySettings } from '../oci';
import { createStore, databaseExists } from './store';
import { isSealed, isVaultRecord, seal, unseal, type VaultRecord } from './vault';

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
  /** Remembered encrypted, and the passphrase was not given yet in this tab: `secret` is empty until it is. */
  locked?: boolean;
  /** Advanced per-registry settings (oci.md §8.5); absent or partial means the library's defaults. */
  settings?: RegistrySettings;
}

export const REGISTRIES_DB = 'wasmlens-registries';
/** The key of the passphrase record; never a host (hosts have no "#"). */
const VAULT_KEY = '#vault';

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

/**
 * The remembered registries, sorted by host. Encrypted secrets are opened with `key`; without it (or with a key
 * that does not open them) they come back `locked` with an empty secret. Does not create the database.
 */
export async function listSavedRegistries(key: CryptoKey | null = null): Promise<SavedRegistry[]> {
  if (!(await databaseExists(REGISTRIES_DB))) return [];
  const all = await entries<string, unknown>(registries());
  const out: SavedRegistry[] = [];
  for (const [, v] of all) {
    if (!isSavedRegistry(v)) continue;
    const sealed = (v as { sealed?: unknown }).sealed;
    const opened = isSealed(sealed) && key ? await unseal(key, sealed) : null;
    const { host, baseUrl, username } = v;
    const entry: SavedRegistry = {
      host,
      baseUrl,
      username,
      secret: isSealed(sealed) ? (opened ?? '') : v.secret,
      settings: sanitizeSettings(v.settings),
      remember: true,
    };
    if (isSealed(sealed) && opened === null) entry.locked = true;
    out.push(entry);
  }
  return out.sort((a, b) => a.host.localeCompare(b.host));
}

/** Remembers a registry (replacing an entry for the same host); with `key`, only the secret's ciphertext is kept. */
export async function saveRegistry(entry: SavedRegistry, key: CryptoKey | null = null): Promise<void> {
  const { host, baseUrl, username, secret } = entry;
  const settings = sanitizeSettings(entry.settings);
  const kept = key && secret ? { secret: '', sealed: await seal(key, secret) } : { secret };
  await set(host, { host, baseUrl, username, ...kept, settings, remember: true }, registries());
}

/** The passphrase record, when remembered credentials are encrypted. */
export async function loadVault(): Promise<VaultRecord | null> {
  if (!(await databaseExists(REGISTRIES_DB))) return null;
  const v = await get<unknown>(VAULT_KEY, registries());
  return isVaultRecord(v) ? v : null;
}

export async function saveVault(record: VaultRecord): Promise<void> {
  await set(VAULT_KEY, record, registries());
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
