/**
 * The artifact explorer's state: the open reference (manifest or index, its recognised kind), the blob being
 * viewed (decoded by media type, with limits), and Kyverno / Flux pushes.
 */
import {
  ArtifactError,
  buildFluxArtifact,
  buildKyvernoArtifact,
  gunzip,
  readTar,
  safeDownloadName,
  recognizeArtifact,
  splitYamlDocuments,
  viewForMediaType,
  type BlobView,
  type BuiltArtifact,
  type FluxMeta,
  type Recognition,
  type TarEntry,
  type TarInputFile,
  type YamlDocument,
} from '../lib/artifacts';
import {
  createRegistryClient,
  parseReference,
  RegistryError,
  type FetchedManifest,
  type Reference,
  type RegistryClient,
} from '../lib/oci';
import { appDocument, router } from './app.svelte';
import { baseUrlFor, registrySession } from './registry.svelte';

/** Blobs above this are offered for download only: decoding them would freeze the tab. */
export const MAX_VIEW_BYTES = 64 * 1024 * 1024;
/** Config blobs are fetched along with the manifest (for labels) only up to this size. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface BlobDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  title?: string | null;
}

/** A blob fetched and decoded for display. */
export interface OpenBlob {
  descriptor: BlobDescriptor;
  view: BlobView;
  bytes: Uint8Array;
  yaml?: YamlDocument[];
  entries?: TarEntry[];
  json?: string;
  /** Why decoding failed (the bytes are still there to download). */
  problem?: string;
}

export interface Failure {
  code: string;
  message: string;
}

function failure(e: unknown): Failure {
  if (e instanceof RegistryError || e instanceof ArtifactError) return { code: e.code, message: e.message };
  return { code: 'unexpected', message: e instanceof Error ? e.message : String(e) };
}

export class ArtifactsState {
  reference = $state<Reference | null>(null);
  loading = $state(false);
  error = $state.raw<Failure | null>(null);
  fetched = $state.raw<FetchedManifest | null>(null);
  recognition = $state.raw<Recognition | null>(null);
  configBytes = $state.raw<Uint8Array | null>(null);
  blob = $state.raw<OpenBlob | null>(null);
  blobLoading = $state(false);
  blobError = $state.raw<Failure | null>(null);
  pushing = $state(false);
  pushError = $state.raw<Failure | null>(null);
  /** What the last push wrote; `pinned` is `registry/repository@digest`, for a link that stays true. */
  pushed = $state.raw<{ reference: string; digest: string; pinned: string } | null>(null);

  private controller: AbortController | null = null;
  // A cache of clients, never rendered: a plain Map is right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private clients = new Map<string, RegistryClient>();
  private opened = '';

  /** Opens a reference (tag or digest): its manifest or index, then its config blob for a finer label. */
  async open(text: string, force = false): Promise<void> {
    if (!force && text === this.opened && (this.loading || this.fetched)) return;
    this.opened = text;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    this.loading = true;
    this.error = null;
    this.fetched = null;
    this.recognition = null;
    this.configBytes = null;
    this.blob = null;
    this.blobError = null;
    try {
      const ref = parseReference(text);
      this.reference = ref;
      const client = await this.clientFor(ref);
      const fetched = await client.getManifest(ref, signal);
      let configBytes: Uint8Array | undefined;
      const config = fetched.manifest.config;
      if (config && Number.isSafeInteger(config.size) && config.size <= MAX_CONFIG_BYTES) {
        configBytes = await client.getBlob(ref, config, { signal }).catch(() => undefined);
      }
      if (signal.aborted) return;
      this.fetched = fetched;
      this.configBytes = configBytes ?? null;
      this.recognition = recognizeArtifact(fetched.manifest, { mediaType: fetched.mediaType, configBytes });
    } catch (e) {
      if (!signal.aborted) this.error = failure(e);
    } finally {
      if (this.controller === controller) this.loading = false;
    }
  }

  /** `registry/repository@digest` of a child, for links that can be shared. */
  childReference(digest: string): string {
    const r = this.reference;
    return r ? `${r.registry}/${r.repository}@${digest}` : digest;
  }

  /** Fetches a blob (digest and size verified by the client) and decodes it for its viewer. */
  async openBlob(descriptor: BlobDescriptor): Promise<void> {
    const ref = this.reference;
    if (!ref) return;
    this.blobLoading = true;
    this.blobError = null;
    this.blob = null;
    try {
      if (descriptor.size > MAX_VIEW_BYTES)
        throw new ArtifactError('too-large', `This blob is ${descriptor.size} bytes; download it instead.`);
      const bytes = await this.fetchBlob(descriptor);
      this.blob = await decodeBlob(descriptor, bytes);
    } catch (e) {
      this.blobError = failure(e);
    } finally {
      this.blobLoading = false;
    }
  }

  /** Fetches and verifies a blob's bytes. */
  async fetchBlob(descriptor: BlobDescriptor): Promise<Uint8Array> {
    const ref = this.reference;
    if (!ref) throw new ArtifactError('bad-input', 'No reference is open.');
    const client = await this.clientFor(ref);
    return client.getBlob(ref, descriptor, { signal: this.controller?.signal });
  }

  /** Fetches a blob of any size and hands it to `save` (the UI's download); failures show as blob errors. */
  async download(descriptor: BlobDescriptor): Promise<void> {
    this.blobLoading = true;
    this.blobError = null;
    try {
      const bytes = await this.fetchBlob(descriptor);
      const fallback = descriptor.digest.replace(':', '-');
      this.onDownload?.(safeDownloadName(descriptor.title ?? '', fallback), bytes);
    } catch (e) {
      this.blobError = failure(e);
    } finally {
      this.blobLoading = false;
    }
  }

  /** Set by the UI: saves bytes as a file (state has no business creating anchors). */
  onDownload: ((name: string, bytes: Uint8Array) => void) | null = null;

  /** Opens a Wasm layer in the explorer, remembering where it came from. */
  async openWasm(descriptor: BlobDescriptor): Promise<void> {
    const ref = this.reference;
    const fetched = this.fetched;
    if (!ref || !fetched) return;
    this.blobLoading = true;
    this.blobError = null;
    try {
      const bytes = await this.fetchBlob(descriptor);
      const name = descriptor.title || `${ref.repository.split('/').pop()}.wasm`;
      await appDocument.openBytes(name, bytes, {
        kind: 'registry',
        reference: ref.canonical,
        digest: descriptor.digest,
        manifestDigest: fetched.digest,
      });
      if (appDocument.info) router.go('explorer');
      else if (appDocument.error) this.blobError = appDocument.error;
    } catch (e) {
      this.blobError = failure(e);
    } finally {
      this.blobLoading = false;
    }
  }

  /** Builds and pushes Kyverno policies (one layer each) to `reference`. */
  pushKyverno(reference: string, policies: YamlDocument[]): Promise<void> {
    return this.push(reference, () => buildKyvernoArtifact(policies));
  }

  /** Builds and pushes a Flux artifact (deterministic tar+gzip) to `reference`. */
  pushFlux(reference: string, files: TarInputFile[], meta: FluxMeta): Promise<void> {
    return this.push(reference, () => buildFluxArtifact(files, meta));
  }

  private async push(reference: string, build: () => Promise<BuiltArtifact>): Promise<void> {
    this.pushing = true;
    this.pushError = null;
    this.pushed = null;
    try {
      const ref = parseReference(reference);
      const artifact = await build();
      const client = await this.clientFor(ref);
      // Blobs first, manifest last (oci.md §3), so the manifest never points at a missing blob.
      for (const b of artifact.blobs) await client.uploadBlob(ref, b.bytes, { digest: b.digest });
      await client.putManifest(ref, artifact.manifestBytes, artifact.mediaType);
      this.pushed = {
        reference: ref.canonical,
        digest: artifact.manifestDigest,
        pinned: `${ref.registry}/${ref.repository}@${artifact.manifestDigest}`,
      };
    } catch (e) {
      this.pushError = failure(e);
    } finally {
      this.pushing = false;
    }
  }

  /** A client per registry, with the credentials and base URL the user saved in the Registry view. */
  private async clientFor(ref: Reference): Promise<RegistryClient> {
    await registrySession.load();
    const saved = registrySession.entryFor(ref.registry);
    const baseUrl = baseUrlFor(ref, saved);
    const key = `${ref.registry} ${baseUrl} ${saved?.username ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = createRegistryClient({
        fetch: (input, init) => globalThis.fetch(input, init),
        baseUrl,
        credentials:
          saved?.username || saved?.secret ? { username: saved.username, password: saved.secret } : undefined,
        // Credentials never go to a token realm on another host from here; the Registry view asks first.
        confirmRealm: () => false,
      });
      this.clients.set(key, client);
    }
    return client;
  }
}

/** Decodes a blob for its viewer; decoding problems are kept next to the bytes rather than thrown. */
async function decodeBlob(descriptor: BlobDescriptor, bytes: Uint8Array): Promise<OpenBlob> {
  const view = viewForMediaType(descriptor.mediaType);
  const blob: OpenBlob = { descriptor, view, bytes };
  try {
    if (view === 'yaml') blob.yaml = splitYamlDocuments(new TextDecoder().decode(bytes));
    else if (view === 'tar-gzip') blob.entries = readTar(await gunzip(bytes));
    else if (view === 'json')
      blob.json = JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 2);
  } catch (e) {
    blob.problem = failure(e).message;
  }
  return blob;
}

/** The one artifact explorer of the page. */
export const artifacts = new ArtifactsState();
