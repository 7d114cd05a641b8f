/**
 * Carrying policies across an air gap: saving references from registries into one OCI layout tar (with their
 * signatures and referrers), the layout the user opened (its entries open in every view with no network), pushing
 * it to a registry with a resumable retry, and copying a reference between registries. Each is an Operation with
 * progress and cancel. Other views call `layouts.save(references)`; the Artifacts view asks `contentFor` first.
 */
import { ArtifactError, gunzip, looksGzipped, WASM_LAYER_TYPES } from '../lib/artifacts';
import { isIndexType } from '../lib/common';
import {
  copyReference,
  defaultTarget,
  filesFromTar,
  layoutContent,
  openLayout,
  pushLayout,
  saveLayout,
  type ContentSource,
  type LayoutEntry,
  type LayoutFile,
  type OciLayout,
  type TransferReport,
} from '../lib/layout';
import { parseReference, RegistryError, type Descriptor, type Reference } from '../lib/oci';
import { appDocument } from './app.svelte';
import { connections } from './connections.svelte';
import { describeFailure, type Failure } from './failures';
import { Operation, type Subject } from './operation.svelte';

/** A finished save: the tar as a Blob (kept out of script memory where the browser can) and its file name. */
export interface SavedLayout {
  blob: Blob;
  fileName: string;
  references: string[];
  report: TransferReport;
}

export interface PushOutcome {
  targets: string[];
  report: TransferReport;
}

export interface CopyOutcome {
  from: string;
  to: string;
  digest: string;
  report: TransferReport;
}

/** A dropped file with its path inside the dropped folder (FileDrop's shape). */
export interface DroppedLayoutFile {
  file: File;
  path: string;
}

/** Hosts that never resolve (RFC 2606 `.invalid`): the registry part of references to entries that name none. */
export const OFFLINE_HOST = 'oci-layout.invalid';
/** A gzip-compressed layout tar is unpacked in memory up to this size. */
const MAX_GUNZIPPED = 1024 * 1024 * 1024;

/** A subject's references, one per line, so a failure can be explained for the registry it happened on. */
const joined = (refs: readonly string[]) => refs.join('\n');

async function explainAmong(e: unknown, subject: Subject, signal: AbortSignal): Promise<Failure> {
  const refs = subject.reference.split('\n').filter(Boolean);
  const url = e instanceof RegistryError ? e.url : undefined;
  const onIt = refs.find((r) => {
    try {
      return !!url && url.startsWith(connections.baseUrlFor(parseReference(r)));
    } catch {
      return false;
    }
  });
  return connections.explain(e, onIt ?? refs[0], signal);
}

/** A name for a saved tar: the first reference's repository, and how many more. */
export function layoutFileName(references: readonly string[]): string {
  const first = references[0] ? parseReference(references[0]) : null;
  const stem = (first?.repository.split('/').pop() ?? 'layout').replace(/[^a-z0-9._-]+/g, '-');
  return `${stem}${references.length > 1 ? `-and-${references.length - 1}-more` : ''}.oci.tar`;
}

export class LayoutsState {
  readonly saving = new Operation<SavedLayout>(explainAmong);
  readonly opening = new Operation<OciLayout>(async (e) => describeFailure(e));
  readonly pushing = new Operation<PushOutcome>(explainAmong);
  readonly copying = new Operation<CopyOutcome>(explainAmong);

  /** The save form: references, one per line. */
  saveTyped = $state('');
  /** Tags of a listed repository left out of "Save tags for offline" (by `registry/repository:tag`). */
  tagsLeftOut = $state<Record<string, boolean>>({});
  /** The push form: target registry, the repository for entries that name none, per-entry overrides and choices. */
  pushRegistry = $state('');
  pushRepository = $state('');
  pushTargets = $state<Record<number, string>>({});
  pushChosen = $state<Record<number, boolean>>({});
  /** Whether the Artifacts view shows its layout panel (kept while switching views). */
  panelOpen = $state(false);
  /** The copy form. */
  copyFrom = $state('');
  copyTo = $state('');

  /** Finished steps of the last push or copy that failed, so its retry resumes (cleared on success). */
  // Bookkeeping, never rendered: plain collections are right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private journals = new Map<string, Set<string>>();

  /** The open layout, when opening it succeeded. */
  get layout(): OciLayout | null {
    const s = this.opening.state;
    return s.status === 'done' ? s.result : null;
  }

  /**
   * Saves references (tag or digest, each with its signatures and referrers) into one layout tar. The result holds
   * the tar as a Blob for the UI to offer as a download; its subject is the references, one per line.
   */
  save(references: readonly string[]) {
    const refs = references.map((r) => r.trim()).filter(Boolean);
    return this.saving.run({ reference: joined(refs) }, async (signal, onProgress) => {
      if (!refs.length) throw new ArtifactError('bad-input', 'Name at least one reference to save.');
      const items = refs.map((text) => {
        const reference = parseReference(text);
        return { reference, client: connections.clientFor(reference) };
      });
      const { tar, report } = await saveLayout(items, { signal, onProgress });
      const blob = new Blob(tar.parts, { type: 'application/x-tar' });
      return {
        blob,
        fileName: layoutFileName(refs),
        references: items.map((i) => i.reference.canonical),
        report,
      };
    });
  }

  /** Saves the references of the save form. */
  saveTypedReferences() {
    return this.save(this.saveTyped.split(/\s+/));
  }

  /** Opens a dropped layout: one tar (or tar.gz) file, or the files of a folder. Every blob is verified. */
  open(dropped: readonly DroppedLayoutFile[]) {
    const name = dropped.length === 1 ? dropped[0]!.file.name : (dropped[0]?.path.split('/')[0] ?? 'layout');
    this.pushTargets = {};
    this.pushChosen = {};
    return this.opening.run({ reference: name }, async (signal, onProgress) => {
      if (!dropped.length) throw new ArtifactError('bad-input', 'Nothing was dropped.');
      let files: LayoutFile[];
      if (dropped.length === 1 && !dropped[0]!.path.includes('/')) {
        let bytes: Uint8Array = new Uint8Array(await dropped[0]!.file.arrayBuffer());
        if (looksGzipped(bytes)) bytes = await gunzip(bytes, { maxOutput: MAX_GUNZIPPED, signal });
        files = filesFromTar(bytes, signal);
      } else
        files = dropped.map(({ file, path }) => ({
          path,
          size: file.size,
          read: async () => new Uint8Array(await file.arrayBuffer()),
        }));
      return openLayout(name, files, { signal, onProgress });
    });
  }

  /** Closes the open layout: views then read from registries again. */
  close(): void {
    this.opening.cancel();
    this.opening.clear();
    this.pushing.clear();
  }

  /** The layout's content for a reference whose digest it holds (digests name the same bytes everywhere). */
  contentFor(ref: Reference): { source: ContentSource; name: string } | null {
    const layout = this.layout;
    return layout && ref.digest && layout.manifests.has(ref.digest)
      ? { source: layoutContent(layout), name: layout.name }
      : null;
  }

  /** A reference to an entry pinned by digest, which the Artifacts view then reads from the layout. */
  pinned(entry: LayoutEntry): string {
    const repo = entry.ref?.repository ?? this.fallbackRepository();
    return `${entry.ref?.registry && entry.ref.repository ? entry.ref.registry : OFFLINE_HOST}/${repo}@${entry.descriptor.digest}`;
  }

  private fallbackRepository(): string {
    const stem = (this.layout?.name ?? 'layout').toLowerCase().replace(/\.(oci\.)?(tar|tgz|tar\.gz)$/, '');
    return stem.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'layout';
  }

  /** The Wasm layer an entry holds (an index: its first child that holds one), or null. */
  wasmOf(entry: LayoutEntry): { layer: Descriptor; manifestDigest: string } | null {
    const layout = this.layout;
    if (!layout) return null;
    const candidates = isIndexType(entry.manifest.mediaType)
      ? (entry.manifest.manifest.manifests ?? []).map((d) => layout.manifests.get(d.digest))
      : [entry.manifest];
    for (const m of candidates) {
      const layer = m?.manifest.layers?.find((l) => WASM_LAYER_TYPES.includes(l.mediaType));
      if (m && layer) return { layer, manifestDigest: m.digest };
    }
    return null;
  }

  /** Opens an entry's Wasm layer as the document, with no network: then Explorer, Inspect and Evaluate show it. */
  async openPolicy(entry: LayoutEntry): Promise<boolean> {
    const layout = this.layout;
    const wasm = this.wasmOf(entry);
    if (!layout || !wasm) return false;
    const bytes = await layout.blobs.get(wasm.layer.digest)!.read();
    const repo = entry.ref?.repository ?? this.fallbackRepository();
    const name =
      wasm.layer.annotations?.['org.opencontainers.image.title'] ?? `${repo.split('/').pop()}.wasm`;
    const full = entry.ref?.registry && entry.ref.repository ? entry.refName : null;
    await appDocument.openBytes(name, bytes, {
      source: full
        ? {
            kind: 'registry',
            reference: full,
            digest: wasm.layer.digest,
            manifestDigest: wasm.manifestDigest,
          }
        : { kind: 'file' },
    });
    return !appDocument.error;
  }

  /** Whether an entry is pushed: saved references by default; signatures and referrers travel with their subject. */
  isChosen(entry: LayoutEntry): boolean {
    const attached = entry.subject !== null && !!this.layout?.manifests.has(entry.subject);
    return this.pushChosen[entry.position] ?? !attached;
  }

  /** Where an entry is pushed: what the user typed for it, else its repository and tag on the target registry. */
  targetFor(entry: LayoutEntry): string {
    const registry = this.pushRegistry.trim() || connections.defaultRegistry?.host || '';
    return (
      this.pushTargets[entry.position] ??
      (registry
        ? defaultTarget(entry, registry, this.pushRepository.trim() || this.fallbackRepository())
        : '')
    );
  }

  /** Pushes the chosen entries; a retry after a failure resumes where it stopped. */
  push() {
    const layout = this.layout;
    const entries = layout?.entries.filter((e) => this.isChosen(e)) ?? [];
    const targets = entries.map((e) => this.targetFor(e).trim());
    return this.pushing.run({ reference: joined(targets) }, async (signal, onProgress) => {
      if (!layout || !entries.length)
        throw new ArtifactError('bad-input', 'Choose at least one entry to push.');
      const choices = entries.map((entry, i) => ({ entry, target: parseReference(targets[i]!) }));
      const key = `push ${layout.name} ${layout.size} ${joined(targets)}`;
      const report = await this.resumable(key, (journal) =>
        pushLayout(layout, choices, (r) => connections.clientFor(r), { signal, onProgress, journal }),
      );
      return { targets: choices.map((c) => c.target.canonical), report };
    });
  }

  /** Copies a reference (with its signatures and referrers) between registries; a retry resumes. */
  copy(fromText = this.copyFrom, toText = this.copyTo) {
    const from = fromText.trim();
    const to = toText.trim();
    return this.copying.run({ reference: joined([from, to]) }, async (signal, onProgress) => {
      const a = parseReference(from);
      const b = parseReference(to);
      const { digest, ...report } = await this.resumable(`copy ${a.canonical} ${b.canonical}`, (journal) =>
        copyReference(
          { client: connections.clientFor(a), reference: a },
          { client: connections.clientFor(b), reference: b },
          { signal, onProgress, journal },
        ),
      );
      return { from: a.canonical, to: b.canonical, digest, report };
    });
  }

  private async resumable<T>(key: string, work: (journal: Set<string>) => Promise<T>): Promise<T> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const journal = this.journals.get(key) ?? new Set<string>();
    this.journals.set(key, journal);
    const result = await work(journal);
    this.journals.delete(key);
    return result;
  }

  /** How many steps a retry of this push would skip (for the UI's "resume" wording). */
  resumableSteps(): number {
    return [...this.journals.values()].reduce((n, j) => n + j.size, 0);
  }
}

/** The one layouts state of the page. */
export const layouts = new LayoutsState();
