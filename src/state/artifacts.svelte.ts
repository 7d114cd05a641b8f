/**
 * The artifact explorer's state: the reference the user typed, the open manifest or index (its recognised kind),
 * the blob being viewed (decoded by media type, with limits), and the Kyverno / Flux push forms. It lives for the
 * page, so switching views keeps all of it. Opening is a user action (the button, a link, the address bar): the
 * same reference is never fetched again unless the user asks, so a failure ends in one explained error.
 */
import {
  ArtifactError,
  buildFluxArtifact,
  buildKyvernoArtifact,
  gunzip,
  jsonLines,
  jsonText,
  readTar,
  safeDownloadName,
  recognizeArtifact,
  splitYamlDocuments,
  viewForMediaType,
  type BlobView,
  type BuiltArtifact,
  type FluxMeta,
  type KyvernoCandidate,
  type Recognition,
  type TarEntry,
  type TarInputFile,
  type YamlDocument,
} from '../lib/artifacts';
import type { ContentSource } from '../lib/layout';
import {
  namesTagOrDigest,
  parseReference,
  pushArtifact,
  type FetchedManifest,
  type Reference,
} from '../lib/oci';
import { appDocument, router } from './app.svelte';
import { connections } from './connections.svelte';
import { describeFailure } from './failures';
import { layouts, OFFLINE_HOST } from './layouts.svelte';
import { Operation, type Subject } from './operation.svelte';

/** Blobs above this are offered for download only: decoding them would freeze the tab. */
export const MAX_VIEW_BYTES = 64 * 1024 * 1024;
/** JSON blobs are shown up to this many lines. */
const MAX_JSON_LINES = 20_000;
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

/** An opened manifest or index with what was recognised in it. */
export interface OpenedArtifact {
  reference: Reference;
  fetched: FetchedManifest;
  recognition: Recognition;
  configBytes: Uint8Array | null;
  /** Where its blobs are read: the open layout when it holds the digest, else the registry's client. */
  source: ContentSource;
  /** The layout's name when it was read from one (no network involved), else null. */
  layout: string | null;
}

export interface PushedArtifactInfo {
  reference: string;
  digest: string;
  /** `registry/repository@digest`, for a link that stays true. */
  pinned: string;
}

const explainFor = (e: unknown, subject: Subject, signal: AbortSignal) =>
  connections.explain(e, subject.reference, signal);

export class ArtifactsState {
  /** The reference field, as typed. */
  typed = $state('');
  readonly opening = new Operation<OpenedArtifact>(explainFor);
  readonly blob = new Operation<OpenBlob | null>(explainFor);
  readonly pushing = new Operation<PushedArtifactInfo>(explainFor);
  /** Whether the push section is open. */
  pushOpen = $state(false);
  kyvernoCandidates = $state.raw<KyvernoCandidate[]>([]);
  kyvernoReference = $state('');
  fluxFiles = $state.raw<TarInputFile[]>([]);
  fluxReference = $state('');
  fluxMeta = $state<FluxMeta>({ source: '', revision: '', created: nowSeconds() });

  /** The last text given to open(), whatever came of it: a route change to the same text is not a new request. */
  private requested = '';

  /** The open artifact, when the last open succeeded. */
  get opened(): OpenedArtifact | null {
    const s = this.opening.state;
    return s.status === 'done' ? s.result : null;
  }

  /** The reference being opened or open. */
  get reference(): Reference | null {
    return this.opened?.reference ?? null;
  }

  /**
   * Opens a reference (tag or digest): its manifest or index, then its config blob for a finer label. Asking for the
   * text already open (or opening) does nothing unless `reload` is set: a tag may have moved.
   */
  async open(text: string, { reload = false } = {}): Promise<void> {
    const wanted = text.trim();
    if (!wanted) return;
    if (!reload && wanted === this.requested && this.opening.state.status !== 'idle') return;
    this.requested = wanted;
    this.typed = wanted;
    this.blob.cancel();
    if (this.showTagsInstead(wanted)) return;
    await this.opening.run({ reference: wanted }, async (signal) => {
      const reference = parseReference(wanted);
      // A digest the open layout holds is read from it: the same bytes, and no network needed.
      const offline = layouts.contentFor(reference);
      const source = offline?.source ?? connections.clientFor(reference);
      const fetched = await source.getManifest(reference, signal);
      let configBytes: Uint8Array | null = null;
      const config = fetched.manifest.config;
      if (config && Number.isSafeInteger(config.size) && config.size <= MAX_CONFIG_BYTES)
        configBytes = await source.getBlob(reference, config, { signal }).catch(() => null);
      const recognition = recognizeArtifact(fetched.manifest, {
        mediaType: fetched.mediaType,
        configBytes: configBytes ?? undefined,
      });
      return { reference, fetched, recognition, configBytes, source, layout: offline?.name ?? null };
    });
  }

  /**
   * A repository without a tag or digest is a request to see its tags, not its `latest` (which may not exist): the
   * Browse view opens them, in place of this address so that Back does not land here again.
   */
  private showTagsInstead(text: string): boolean {
    let ref: Reference;
    try {
      if (namesTagOrDigest(text)) return false;
      ref = parseReference(text);
    } catch {
      return false; // Invalid text: opening it explains what is wrong.
    }
    this.opening.cancel();
    const target = { level: 'repo' as const, host: ref.registry, repository: ref.repository };
    router.navigate({ view: 'browse', ref: null, browse: target }, { replace: true });
    void import('./browse.svelte').then(({ browse }) =>
      browse.openRepository(target.host, target.repository),
    );
    return true;
  }

  /** A route `#/ref/<text>` arrived (a link, Back/Forward, a fresh load): open it unless it is what was asked last. */
  openFromRoute(text: string): void {
    if (text.trim() !== this.requested) void this.open(text);
  }

  /** The user pressed "Open reference": the same text again means reload it. */
  submit(): void {
    const text = this.typed.trim();
    if (!text) return;
    void this.open(text, { reload: text === this.requested });
    if (router.route.view === 'artifacts') router.go('artifacts', text);
  }

  /** `registry/repository@digest` of a child, for links that can be shared. */
  childReference(digest: string): string {
    const r = this.reference;
    return r ? `${r.registry}/${r.repository}@${digest}` : digest;
  }

  /** Fetches a blob (digest and size verified by the client) and decodes it for its viewer. */
  async openBlob(descriptor: BlobDescriptor): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    await this.blob.run({ reference: this.childReference(descriptor.digest) }, async (signal) => {
      if (descriptor.size > MAX_VIEW_BYTES)
        throw new ArtifactError('too-large', `This blob is ${descriptor.size} bytes; download it instead.`);
      const bytes = await opened.source.getBlob(opened.reference, descriptor, { signal });
      return decodeBlob(descriptor, bytes);
    });
  }

  /** Fetches a blob of any size and hands it to `save` (the UI's download). */
  async download(descriptor: BlobDescriptor, save: (name: string, bytes: Uint8Array) => void): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    await this.blob.run({ reference: this.childReference(descriptor.digest) }, async (signal) => {
      const bytes = await opened.source.getBlob(opened.reference, descriptor, { signal });
      save(safeDownloadName(descriptor.title ?? '', descriptor.digest.replace(':', '-')), bytes);
      return null;
    });
  }

  /** Opens a Wasm layer as the document (then the Explorer), remembering where it came from. */
  async openWasm(descriptor: BlobDescriptor): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    const state = await this.blob.run(
      { reference: this.childReference(descriptor.digest) },
      async (signal) => {
        const bytes = await opened.source.getBlob(opened.reference, descriptor, { signal });
        const name = descriptor.title || `${opened.reference.repository.split('/').pop()}.wasm`;
        // An entry of a layout that names no registry came from no registry: it opens as a file.
        await appDocument.openBytes(name, bytes, {
          source:
            opened.reference.registry === OFFLINE_HOST
              ? { kind: 'file' }
              : {
                  kind: 'registry',
                  reference: opened.reference.canonical,
                  digest: descriptor.digest,
                  manifestDigest: opened.fetched.digest,
                },
        });
        if (appDocument.error) throw new ArtifactError('bad-input', appDocument.error.message, name);
        return null;
      },
    );
    if (state.status === 'done') router.go('explorer');
  }

  /** Builds and pushes the Kyverno policies of the form (one layer each). */
  pushKyverno(): Promise<void> {
    const policies = this.kyvernoCandidates.map((c) => c.doc);
    return this.push(this.kyvernoReference, () => buildKyvernoArtifact(policies));
  }

  /** Builds and pushes a Flux artifact (deterministic tar+gzip) from the form. */
  pushFlux(): Promise<void> {
    const files = this.fluxFiles;
    const meta = { ...this.fluxMeta };
    return this.push(this.fluxReference, () => buildFluxArtifact(files, meta));
  }

  private async push(text: string, build: () => Promise<BuiltArtifact>): Promise<void> {
    const reference = text.trim();
    if (!reference) return;
    await this.pushing.run({ reference }, async (signal, onProgress) => {
      const ref = parseReference(reference);
      const artifact = await build();
      const pushed = await pushArtifact(connections.clientFor(ref), ref, artifact, { signal, onProgress });
      return { reference: ref.canonical, digest: pushed.digest, pinned: pushed.immutableRef };
    });
  }

  /** Leaving the view cancels reads that only this view shows; a push goes on. */
  leave(): void {
    this.blob.cancel();
    if (this.opening.running) {
      this.opening.cancel();
      this.requested = '';
    }
  }
}

function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Decodes a blob for its viewer; decoding problems are kept next to the bytes rather than thrown. */
async function decodeBlob(descriptor: BlobDescriptor, bytes: Uint8Array): Promise<OpenBlob> {
  const view = viewForMediaType(descriptor.mediaType);
  const blob: OpenBlob = { descriptor, view, bytes };
  try {
    if (view === 'yaml') blob.yaml = splitYamlDocuments(new TextDecoder().decode(bytes));
    else if (view === 'tar-gzip') blob.entries = readTar(await gunzip(bytes));
    else if (view === 'json') {
      // Laid out without recursion and cut after MAX_JSON_LINES: JSON.stringify overflows the stack on deep
      // nesting, and its indentation grows with the square of the depth.
      const lines = jsonLines(JSON.parse(new TextDecoder().decode(bytes)), MAX_JSON_LINES + 1);
      blob.json = jsonText(lines.slice(0, MAX_JSON_LINES));
      if (lines.length > MAX_JSON_LINES)
        blob.problem = `Only the first ${MAX_JSON_LINES} lines are shown; download the blob for the rest.`;
    }
  } catch (e) {
    blob.problem = describeFailure(e).message;
  }
  return blob;
}

/** The one artifact explorer of the page. */
export const artifacts = new ArtifactsState();
