/**
 * The connection layer: the registries the user added (remembered ones from IndexedDB, the others only in this
 * tab's memory), their settings and credentials, exactly one client per registry, the realm prompt, the default
 * local registry, and the explanation of every registry failure. Every view reaches a registry through here, so
 * Forget and Clear act everywhere at once. No other file may call `createRegistryClient` (lint rule and test).
 */
import {
  createRegistryClient,
  defaultBaseUrl,
  diagnoseFailure,
  parseReference,
  sanitizeSettings,
  settingsProblem,
  type Reference,
  type RegistryClient,
  type RegistrySettings,
} from '../lib/oci';
import {
  createVault,
  forgetAllRegistries,
  forgetRegistry,
  listSavedRegistries,
  loadVault,
  saveRegistry,
  saveVault,
  unlockVault,
  type SavedRegistry,
} from '../lib/storage';
import { describeFailure, type Failure } from './failures';

export type { SavedRegistry, RegistrySettings };

/** Why a user-entered API base URL cannot be used, or null when it can. */
export function baseUrlProblem(text: string): string | null {
  const url = URL.parse(text);
  if (!url) return `"${text}" is not a URL.`;
  const { protocol, username, password } = url;
  if (protocol !== 'https:' && protocol !== 'http:')
    return 'The base URL must start with https:// or http://.';
  // Credentials never travel in URLs (oci.md §7.6): they belong in the username and password fields.
  if (username || password) return 'Put credentials in the username and password fields, not in the URL.';
  return null;
}

export interface DefaultRegistry {
  host: string;
  reachable: boolean;
}

export interface PendingRealmConfirmation {
  registry: string;
  realm: string;
  resolve: (ok: boolean) => void;
}

/** A quiet note from a registry (Warning headers, skipped annotations), counted instead of repeated. */
export interface RegistryNote {
  registry: string;
  message: string;
  count: number;
}

/** Normalises what a user types as a host: no scheme, no trailing slash. */
export function normalizeHost(text: string): string {
  return text
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
}

interface ClientEntry {
  /** Everything the client was made from; a different key means the client is stale. */
  key: string;
  client: RegistryClient;
}

export class Connections {
  /** Registries in use: the remembered ones plus those added for this tab only. Secrets stay in these objects. */
  registries = $state.raw<SavedRegistry[]>([]);
  /** Set when IndexedDB cannot be used; remembering is then unavailable. */
  storageUnavailable = $state(false);
  defaultRegistry = $state.raw<DefaultRegistry | null>(null);
  /** A token realm on another host asks before credentials go there; the UI answers through resolve(). */
  realmConfirmation = $state.raw<PendingRealmConfirmation | null>(null);
  notes = $state.raw<RegistryNote[]>([]);
  /**
   * Remembered secrets: stored as they are (`none`), or encrypted with a passphrase not given yet in this tab
   * (`locked`) or given (`unlocked`; the key stays in this tab's memory only).
   */
  vault = $state<'none' | 'locked' | 'unlocked'>('none');
  /** How many clients were made in this tab (tests check that it stays one per registry). */
  clientsMade = 0;

  // Bookkeeping, never rendered: a plain Map is right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private clients = new Map<string, ClientEntry>();
  private loaded: Promise<void> | null = null;
  private vaultKey: CryptoKey | null = null;

  constructor(private readonly fetchFn: typeof fetch = (input, init) => globalThis.fetch(input, init)) {}

  /** Loads the remembered registries and probes the default registry, once per page. */
  load(): Promise<void> {
    return (this.loaded ??= (async () => {
      try {
        if (this.vault === 'none' && (await loadVault())) this.vault = 'locked';
        await this.mergeSaved();
      } catch {
        this.storageUnavailable = true;
      }
      await this.probeDefault();
    })());
  }

  private async mergeSaved(): Promise<void> {
    const saved = await listSavedRegistries(this.vaultKey);
    const inMemory = this.registries.filter((r) => !saved.some((s) => s.host === r.host));
    this.registries = sortByHost([...saved, ...inMemory]);
  }

  /** Opens the encrypted remembered secrets with their passphrase (once per tab); false when it is not theirs. */
  async unlock(passphrase: string): Promise<boolean> {
    const record = await loadVault();
    if (!record) return false;
    const key = await unlockVault(record, passphrase);
    if (!key) return false;
    this.vaultKey = key;
    this.vault = 'unlocked';
    await this.mergeSaved();
    return true;
  }

  /**
   * Adds or replaces a registry; it is written to IndexedDB only when `remember` is on. A `passphrase` opens the
   * encrypted secrets, or (the first time) starts encrypting every remembered secret with it.
   */
  async add(entry: SavedRegistry, { passphrase = '' }: { passphrase?: string } = {}): Promise<SavedRegistry> {
    const host = normalizeHost(entry.host);
    if (!host || /[\s/@]/.test(host))
      throw new Error(`"${host}" is not a registry host (host or host:port).`);
    const clean: SavedRegistry = {
      host,
      baseUrl: entry.baseUrl.trim(),
      username: entry.username.trim(),
      secret: entry.secret,
      remember: entry.remember,
      settings: sanitizeSettings(entry.settings),
    };
    const problem =
      (clean.baseUrl ? baseUrlProblem(clean.baseUrl) : null) ?? settingsProblem(entry.settings ?? {});
    if (problem) throw new Error(problem);
    if (clean.remember) await this.remember(clean, passphrase);
    else await forgetRegistry(host).catch(() => undefined);
    this.clients.delete(host);
    this.registries = sortByHost([...this.registries.filter((r) => r.host !== host), clean]);
    return clean;
  }

  private async remember(entry: SavedRegistry, passphrase: string): Promise<void> {
    if (this.vault === 'locked') {
      if (!passphrase) throw new Error('Give the passphrase of the remembered credentials first.');
      if (!(await this.unlock(passphrase)))
        throw new Error('That is not the passphrase of the remembered credentials.');
    } else if (this.vault === 'none' && passphrase) {
      const { record, key } = await createVault(passphrase);
      await saveVault(record);
      this.vaultKey = key;
      this.vault = 'unlocked';
      // Every remembered secret is now kept encrypted, not only the new one.
      for (const r of this.registries) if (r.remember && r.host !== entry.host) await saveRegistry(r, key);
    }
    await saveRegistry(entry, this.vaultKey);
  }

  /** Forgets a registry: its stored entry, its in-memory secret and its client (with the client's tokens). */
  async forget(host: string): Promise<void> {
    this.clients.delete(host);
    this.registries = this.registries.filter((r) => r.host !== host);
    this.dismissRealm(host);
    await forgetRegistry(host).catch(() => (this.storageUnavailable = true));
  }

  /** Forgets every registry and credential, in memory and in IndexedDB. */
  async forgetAll(): Promise<void> {
    this.clients.clear();
    this.registries = [];
    this.vaultKey = null;
    this.vault = 'none';
    this.dismissRealm();
    await forgetAllRegistries().catch(() => (this.storageUnavailable = true));
  }

  /** The entry the user added for a registry host, if any. */
  entryFor(host: string): SavedRegistry | undefined {
    return this.registries.find((r) => r.host === host);
  }

  /** The API base URL for a reference: the user's override for its host, else the library's default. */
  baseUrlFor(ref: Reference): string {
    const saved = this.entryFor(ref.registry);
    return saved?.baseUrl ? saved.baseUrl.replace(/\/+$/, '') : defaultBaseUrl(ref);
  }

  /**
   * The one client of a reference's registry. It is rebuilt when the registry's entry (base URL, settings,
   * username, secret) changes, so a client never outlives the credentials or settings it was made with.
   */
  clientFor(ref: Reference | string): RegistryClient {
    const r = typeof ref === 'string' ? parseReference(ref) : ref;
    const saved = this.entryFor(r.registry);
    const baseUrl = this.baseUrlFor(r);
    const key = JSON.stringify([baseUrl, saved?.settings ?? {}, saved?.username ?? '', saved?.secret ?? '']);
    const entry = this.clients.get(r.registry);
    if (entry?.key === key) return entry.client;
    const client = this.makeClient(r.registry, baseUrl, saved);
    this.clients.set(r.registry, { key, client });
    return client;
  }

  private makeClient(host: string, baseUrl: string, saved: SavedRegistry | undefined): RegistryClient {
    const settings = saved?.settings ?? {};
    this.clientsMade++;
    return createRegistryClient({
      fetch: this.fetchFn,
      baseUrl,
      authMode: settings.authMode,
      tokenEndpoint: settings.tokenEndpoint,
      uploadMode: settings.uploadMode,
      chunkSize: settings.chunkSize,
      maxBlobBytes: settings.maxBlobBytes,
      trustRange: settings.trustRange,
      referrersMode: settings.referrersMode,
      timeoutMs: settings.timeoutSeconds ? settings.timeoutSeconds * 1000 : undefined,
      credentials:
        saved?.username || saved?.secret ? { username: saved.username, password: saved.secret } : undefined,
      onWarning: (message: string) => this.note(host, message),
      confirmRealm: (realm: string) => this.confirmRealm(host, realm),
    });
  }

  private note(registry: string, message: string): void {
    const same = this.notes.find((n) => n.registry === registry && n.message === message);
    this.notes = same
      ? this.notes.map((n) => (n === same ? { ...n, count: n.count + 1 } : n))
      : [...this.notes, { registry, message, count: 1 }].slice(-20);
  }

  clearNotes(): void {
    this.notes = [];
  }

  private confirmRealm(registry: string, realm: string): Promise<boolean> {
    this.realmConfirmation?.resolve(false);
    return new Promise((resolve) => {
      const pending: PendingRealmConfirmation = {
        registry,
        realm,
        resolve: (ok) => {
          if (this.realmConfirmation === pending) this.realmConfirmation = null;
          resolve(ok);
        },
      };
      this.realmConfirmation = pending;
    });
  }

  private dismissRealm(host?: string): void {
    if (this.realmConfirmation && (!host || this.realmConfirmation.registry === host))
      this.realmConfirmation.resolve(false);
  }

  /**
   * The failure for an error of an action on `reference`: the code's explanation and fix, and for failures the
   * browser hides (network, CORS), the diagnosis of oci.md §8.6, which turns them into `cors` or `mixed-content`
   * when that is what happened.
   */
  async explain(e: unknown, reference?: Reference | string, signal?: AbortSignal): Promise<Failure> {
    const failure = describeFailure(e);
    let ref: Reference | undefined;
    try {
      ref = typeof reference === 'string' ? parseReference(reference) : reference;
    } catch {
      // An invalid reference has no registry to diagnose.
    }
    if (!ref) return failure;
    const withRegistry: Failure = { ...failure, registry: ref.registry, baseUrl: this.baseUrlFor(ref) };
    if (failure.domain !== 'registry' || failure.code !== 'network') return withRegistry;
    try {
      const diagnosis = await diagnoseFailure(withRegistry.baseUrl!, {
        pageOrigin: location.origin,
        fetch: this.fetchFn,
        signal,
      });
      if (diagnosis.code === 'ok') return { ...withRegistry, diagnosis };
      const code =
        diagnosis.code === 'cors-missing' || diagnosis.code === 'preflight-failed'
          ? 'cors'
          : diagnosis.code === 'mixed-content' || diagnosis.code === 'redirect-failed'
            ? diagnosis.code
            : failure.code;
      // The diagnosis names the exact cause, so its words replace the code's general ones.
      const { title, explanation, fix } = diagnosis;
      return { ...withRegistry, code, title, explanation, fix, diagnosis };
    } catch {
      return withRegistry;
    }
  }

  private async probeDefault(): Promise<void> {
    try {
      const response = await this.fetchFn('./wasmlens-config.json', {
        cache: 'no-store',
        credentials: 'omit',
      });
      if (!response.ok) return;
      const config: unknown = await response.json();
      const host = (config as { defaultRegistry?: unknown })?.defaultRegistry;
      if (typeof host !== 'string' || !host) return;
      const ref = parseReference(`${host}/probe`);
      // ping() reports 200 and 401 as ok (a registry answers there); network failures throw.
      const reachable = await this.clientFor(ref)
        .ping(ref, AbortSignal.timeout(5000))
        .then((p) => p.ok)
        .catch(() => false);
      this.defaultRegistry = { host: ref.registry, reachable };
    } catch {
      // No config (a plain static host): there is simply no default registry.
    }
  }
}

function sortByHost(list: SavedRegistry[]): SavedRegistry[] {
  return [...list].sort((a, b) => a.host.localeCompare(b.host));
}

/** The one connection layer of the page. */
export const connections = new Connections();
