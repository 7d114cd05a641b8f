/**
 * The registry session: the registries the user added (remembered ones from IndexedDB, the others only in this
 * tab's memory), the default local registry, and the state of push, pull, tags and signatures operations.
 */
import {
  createRegistryClient,
  defaultBaseUrl,
  diagnoseFailure,
  parseReference,
  RegistryError,
  sanitizeSettings,
  settingsProblem,
  sortTags,
  type Diagnosis,
  type Reference,
  type SignatureReport,
  type RegistryClient,
  type RegistrySettings,
} from '../lib/oci';
import {
  forgetAllRegistries,
  forgetRegistry,
  listSavedRegistries,
  saveRegistry,
  type SavedRegistry,
} from '../lib/storage';

export type { SavedRegistry, RegistrySettings };

/** What went wrong, as the UI needs it to explain the failure and suggest a fix. */
export interface FailureInfo {
  /** A `RegistryError` code, or `unexpected` for anything else. */
  code: string;
  message: string;
  status?: number;
  url?: string;
  detail?: string;
  /** The registry's API base URL, for the CORS recipes. */
  baseUrl?: string;
  /** oci.md §8.6 diagnosis, for failures where the browser hid the reason. */
  diagnosis?: Diagnosis;
}

/** A long-running operation as the UI shows it. */
export interface Operation<T> {
  status: 'idle' | 'running' | 'done' | 'error';
  done: number;
  total: number;
  result: T | null;
  error: FailureInfo | null;
}

const idle = <T>(): Operation<T> => ({ status: 'idle', done: 0, total: 0, result: null, error: null });

/** The API base URL for a reference: the user's override for its host, else the library's default. */
export function baseUrlFor(ref: Reference, saved?: SavedRegistry): string {
  return saved?.baseUrl ? saved.baseUrl.replace(/\/+$/, '') : defaultBaseUrl(ref);
}

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

export interface PushResult {
  digest: string;
  immutableRef: string;
}

export interface TagList {
  repository: string;
  registry: string;
  tags: string[];
}

export interface SignatureLines {
  lines: string[];
  state: SignatureReport['state'];
}

export interface PendingRealmConfirmation {
  registry: string;
  realm: string;
  resolve: (ok: boolean) => void;
}

export class RegistrySession {
  /** Registries in use: the remembered ones plus those added for this tab only. Secrets stay in these objects. */
  registries = $state.raw<SavedRegistry[]>([]);
  /** Set when IndexedDB cannot be used; remembering is then unavailable. */
  storageUnavailable = $state(false);
  defaultRegistry = $state.raw<DefaultRegistry | null>(null);
  push = $state.raw<Operation<PushResult>>(idle());
  pull = $state.raw<Operation<{ reference: string }>>(idle());
  tags = $state.raw<Operation<TagList>>(idle());
  signatures = $state.raw<Operation<SignatureLines>>(idle());
  /** A token realm on another host asks before Basic credentials go there; the UI answers through resolve(). */
  realmConfirmation = $state.raw<PendingRealmConfirmation | null>(null);
  /** Quiet notes from the registry (Warning headers, skipped annotations). */
  warnings = $state.raw<string[]>([]);

  // Bookkeeping, not UI state: these maps are never rendered, so they stay plain (non-reactive) Maps.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private controllers = new Map<string, AbortController>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private clients = new Map<string, RegistryClient>();
  private loaded: Promise<void> | null = null;

  /** Loads the remembered registries and probes the default registry once per page. */
  load(): Promise<void> {
    return (this.loaded ??= (async () => {
      try {
        const saved = await listSavedRegistries();
        const inMemory = this.registries.filter((r) => !saved.some((s) => s.host === r.host));
        this.registries = [...saved, ...inMemory];
      } catch {
        this.storageUnavailable = true;
      }
      await this.probeDefault();
    })());
  }

  /** Adds or replaces a registry. It is written to IndexedDB only when `remember` is on. */
  async add(entry: SavedRegistry): Promise<void> {
    const host = entry.host
      .trim()
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/\/+$/, '');
    const clean: SavedRegistry = {
      ...entry,
      host,
      baseUrl: entry.baseUrl.trim(),
      username: entry.username.trim(),
      settings: sanitizeSettings(entry.settings),
    };
    if (!host || /[\s/@]/.test(host))
      throw new Error(`"${host}" is not a registry host (host or host:port).`);
    const problem =
      (clean.baseUrl ? baseUrlProblem(clean.baseUrl) : null) ?? settingsProblem(entry.settings ?? {});
    if (problem) throw new Error(problem);
    this.dropClients(host);
    if (clean.remember) await saveRegistry(clean);
    else await forgetRegistry(host).catch(() => undefined);
    this.registries = [...this.registries.filter((r) => r.host !== host), clean].sort((a, b) =>
      a.host.localeCompare(b.host),
    );
  }

  async forget(host: string): Promise<void> {
    this.dropClients(host);
    await forgetRegistry(host).catch(() => (this.storageUnavailable = true));
    this.registries = this.registries.filter((r) => r.host !== host);
  }

  async forgetAll(): Promise<void> {
    this.clients.clear();
    await forgetAllRegistries().catch(() => (this.storageUnavailable = true));
    this.registries = [];
  }

  private dropClients(host: string): void {
    for (const key of [...this.clients.keys()]) if (key.startsWith(`${host} `)) this.clients.delete(key);
  }

  /** The saved entry for a reference's registry, if the user added one. */
  entryFor(host: string): SavedRegistry | undefined {
    return this.registries.find((r) => r.host === host);
  }

  /** Pushes `bytes` to `reference`. Refusals come from the library with kwctl's messages. */
  async pushPolicy(reference: string, bytes: Uint8Array, force: boolean): Promise<void> {
    await this.run(
      'push',
      (op: Operation<PushResult>) => (this.push = op),
      async (signal, progress) => {
        const ref = parseReference(reference);
        const client = this.clientFor(ref);
        const result = await client.pushPolicy(ref, bytes, { force, signal, onProgress: progress });
        if (result.warnings.length) this.warnings = [...this.warnings, ...result.warnings].slice(-10);
        return { digest: result.digest, immutableRef: result.immutableRef };
      },
      reference,
    );
  }

  /** Pulls a policy; hands its verified bytes to `open` (the app document) and resolves to whether it worked. */
  async pullPolicy(
    reference: string,
    open: (
      name: string,
      bytes: Uint8Array,
      ref: Reference,
      digest: string,
      layerDigest: string,
    ) => Promise<void>,
  ): Promise<boolean> {
    await this.run(
      'pull',
      (op: Operation<{ reference: string }>) => (this.pull = op),
      async (signal, progress) => {
        const ref = parseReference(reference);
        const client = this.clientFor(ref);
        const result = await client.pullPolicy(ref, { signal, onProgress: progress });
        const name = `${ref.repository.split('/').pop() ?? 'policy'}.wasm`;
        await open(name, result.bytes, ref, result.digest, result.layer.digest);
        return { reference: ref.canonical };
      },
      reference,
    );
    return this.pull.status === 'done';
  }

  /** Lists a repository's tags, semver-aware sorted (newest first as the library orders them). */
  async listTags(repositoryRef: string): Promise<void> {
    await this.run(
      'tags',
      (op: Operation<TagList>) => (this.tags = op),
      async (signal) => {
        const ref = parseReference(repositoryRef);
        const client = this.clientFor(ref);
        const tags = await client.listTags(ref, signal);
        return { repository: ref.repository, registry: ref.registry, tags: sortTags(tags) };
      },
      repositoryRef,
    );
  }

  /** Looks for cosign signatures of a pulled policy (by its manifest digest). */
  async findSignatures(reference: string, manifestDigest: string): Promise<void> {
    await this.run(
      'signatures',
      (op: Operation<SignatureLines>) => (this.signatures = op),
      async (signal) => {
        const ref = parseReference(reference);
        const client = this.clientFor(ref);
        return describeSignatures(await client.findSignatures(ref, manifestDigest, signal));
      },
      reference,
    );
  }

  /** Cancels an operation; an abort is not shown as an error. */
  cancel(kind: string): void {
    this.controllers.get(kind)?.abort();
  }

  /**
   * One client per registry, base URL and settings, so tokens and the realm decision are reused across
   * operations. Adding or forgetting a registry drops its client, so new credentials take effect; the settings
   * are part of the key too, so a client never outlives the settings it was made with.
   */
  private clientFor(ref: Reference): RegistryClient {
    const saved = this.entryFor(ref.registry);
    const baseUrl = baseUrlFor(ref, saved);
    const key = `${ref.registry} ${baseUrl} ${JSON.stringify(saved?.settings ?? {})}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.newClient(ref, baseUrl, saved);
      this.clients.set(key, client);
    }
    return client;
  }

  private newClient(ref: Reference, baseUrl: string, saved: SavedRegistry | undefined): RegistryClient {
    const settings = saved?.settings ?? {};
    return createRegistryClient({
      fetch: (input, init) => globalThis.fetch(input, init),
      baseUrl,
      authMode: settings.authMode,
      tokenEndpoint: settings.tokenEndpoint,
      uploadMode: settings.uploadMode,
      chunkSize: settings.chunkSize,
      trustRange: settings.trustRange,
      referrersMode: settings.referrersMode,
      credentials:
        saved?.username || saved?.secret ? { username: saved.username, password: saved.secret } : undefined,
      onWarning: (message: string) => (this.warnings = [...this.warnings.slice(-9), message]),
      confirmRealm: (realm: string) => this.confirmRealm(ref.registry, realm),
    });
  }

  private confirmRealm(registry: string, realm: string): Promise<boolean> {
    this.realmConfirmation?.resolve(false);
    return new Promise((resolve) => {
      this.realmConfirmation = {
        registry,
        realm,
        resolve: (ok) => {
          this.realmConfirmation = null;
          resolve(ok);
        },
      };
    });
  }

  /** Runs one operation with progress, cancel and error explanation (diagnosing network failures). */
  private async run<T>(
    kind: string,
    set: (op: Operation<T>) => void,
    work: (signal: AbortSignal, progress: (done: number, total: number) => void) => Promise<T>,
    reference: string,
  ): Promise<void> {
    this.controllers.get(kind)?.abort();
    const controller = new AbortController();
    this.controllers.set(kind, controller);
    let current: Operation<T> = { ...idle<T>(), status: 'running' };
    set(current);
    const progress = (done: number, total: number) => {
      if (controller.signal.aborted) return;
      current = { ...current, done, total };
      set(current);
    };
    try {
      const result = await work(controller.signal, progress);
      set({ ...current, status: 'done', result, done: current.total });
    } catch (e) {
      if (controller.signal.aborted) set(idle());
      else set({ ...current, status: 'error', error: await this.explain(e, reference) });
    } finally {
      if (this.controllers.get(kind) === controller) this.controllers.delete(kind);
    }
  }

  private async explain(e: unknown, reference: string): Promise<FailureInfo> {
    if (!(e instanceof RegistryError)) return { code: 'unexpected', message: String(e) };
    const { code, status, url, message } = e;
    const detail = e.detail?.map((d) => `${d.code}: ${d.message}`).join('\n');
    let baseUrl: string | undefined;
    try {
      const ref = parseReference(reference);
      baseUrl = baseUrlFor(ref, this.entryFor(ref.registry));
    } catch {
      // An invalid reference has no registry to diagnose.
    }
    const base: FailureInfo = { code, message, status, url, detail, baseUrl };
    if (!baseUrl || !['network', 'cors', 'mixed-content'].includes(code)) return base;
    try {
      const diagnosis = await diagnoseFailure(baseUrl, {
        pageOrigin: location.origin,
        fetch: (input, init) => globalThis.fetch(input, init),
      });
      return { ...base, diagnosis };
    } catch {
      return base;
    }
  }

  private async probeDefault(): Promise<void> {
    try {
      const response = await fetch('./wasmlens-config.json', { cache: 'no-store', credentials: 'omit' });
      if (!response.ok) return;
      const config: unknown = await response.json();
      const host = (config as { defaultRegistry?: unknown })?.defaultRegistry;
      if (typeof host !== 'string' || !host) return;
      const ref = parseReference(`${host}/probe`);
      const client = this.clientFor(ref);
      // ping() reports 200 and 401 as ok (a registry answers there); network failures throw.
      const reachable = await client
        .ping(ref, AbortSignal.timeout(5000))
        .then((p) => p.ok)
        .catch(() => false);
      this.defaultRegistry = { host: ref.registry, reachable };
    } catch {
      // No config (a plain static host): there is simply no default registry.
    }
  }
}

/** The library's signature report as lines: kwctl's message first, then what was found. */
function describeSignatures(report: SignatureReport): SignatureLines {
  const lines = [report.message];
  if (report.cosignTag) lines.push(`cosign signature tag: ${report.cosignTag}`);
  for (const d of report.referrers)
    lines.push(`referrer ${d.artifactType ?? d.mediaType}: ${d.digest} (${d.size} B)`);
  return { lines, state: report.state };
}

/** The one registry session of the page. */
export const registrySession = new RegistrySession();
