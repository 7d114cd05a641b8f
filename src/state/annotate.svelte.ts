/** The Annotate editor: a form over Kubewarden metadata, live kwctl validation, imports and the saved draft. */
import {
  annotate,
  annotateParts,
  emptyMetadata,
  metadataFromYaml,
  MetadataError,
  MetadataImportError,
  scanHostCapabilities,
  validateMetadata,
  KEY_KWCTL,
  type CapabilityScan,
  type Issue,
  type Metadata,
  type PolicyModel,
} from '../lib/kubewarden';
import { ProtocolDetection, protocolIssues, withDetectedProtocol } from './protocol-detection.svelte';
import type { WasmInfo } from '../lib/wasm';
import {
  discardDraft,
  loadDraft,
  saveDraft,
  saveDraftIfUnchanged,
  stashDraft,
  type Draft,
} from '../lib/storage';
import { draftChannel, mergeForms, newWriterId } from './draft-sync';
import type { OpenDocument } from './document.svelte';
import { policyOf } from './policy';

export {
  TEXT_FIELDS,
  splitList,
  joinList,
  formFromMetadata,
  metadataFromForm,
  isFormModel,
  annotationRowIssues,
  type TextFieldName,
  type RuleForm,
  type FormModel,
} from './annotate-form';
import {
  annotationRowIssues,
  annotationsOfRows,
  formFromMetadata,
  isFormModel,
  metadataFromForm,
  type FormModel,
} from './annotate-form';

const SAVE_DELAY_MS = 400;

/** One editing session for one module (identified by its SHA-256). */
export class AnnotateEditor {
  form = $state<FormModel>() as FormModel;
  /** Where the starting values came from. */
  readonly origin: 'file' | 'defaults';
  /** Messages from the last import (unknown keys, ignored io.kubewarden.kwctl, …). */
  notes = $state.raw<string[]>([]);
  /** The last import's blocking error, with its line when known. */
  importError = $state<string | null>(null);
  /** Set when the form was restored from a saved draft. */
  restoredAt = $state<number | null>(null);
  saveStatus = $state<'none' | 'pending' | 'saved' | 'failed' | 'conflict'>('none');
  /** Another tab saved this module's draft after this tab last read or wrote it; saving waits for the user. */
  conflict = $state.raw<{ savedAt: number; version: number } | null>(null);
  /** Fields the last merge could not combine (this tab's value was kept). */
  mergeConflicts = $state.raw<string[] | null>(null);

  readonly bytes: Uint8Array;
  readonly info: WasmInfo;
  readonly sha256: string;
  readonly name: string;
  /** The file's `io.kubewarden.kwctl` value, kept as it is. */
  readonly kwctlVersion: string | undefined;
  readonly exportNames: string[];
  /** The metadata the form describes, and kwctl's findings on it; both follow every keystroke. */
  readonly metadata: Metadata;
  readonly issues: Issue[];
  readonly errors: Issue[];
  /**
   * The form's own findings about annotation rows ({@link annotationRowIssues}), kept apart from `issues` so a
   * keystroke in another field does not walk every row (with 50,000 rows that walk was half of each keystroke).
   */
  readonly rowIssues: Issue[];
  /** kwctl's host-capability scan against the declared list; re-run only when that list changes. */
  readonly capabilityScan: CapabilityScan | null;
  /** The waPC protocol version, asked of the module itself (kwctl annotate's detection step). */
  readonly protocol: ProtocolDetection;
  private readonly initialJson: string;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  /** The stored draft this tab's form is based on: its version, and its form (the merge base). */
  private baseVersion = 0;
  private baseJson: string;
  /** Saves run one after another, so this tab never races itself on the version. */
  private saving: Promise<void> = Promise.resolve();
  private writing = false;
  private readonly channel: ReturnType<typeof draftChannel>;
  /** This editor's id in the drafts it writes. */
  private readonly writer = newWriterId();
  /** Bumped by discard(), so a draft read that started earlier is not applied afterwards. */
  private generation = 0;

  /** Why the file's metadata could not be read (the form then starts from defaults), or null. */
  readonly readProblem: Error | null;

  /** `policy` is the document's one policy model: the metadata and execution mode are not read again here. */
  constructor(bytes: Uint8Array, info: WasmInfo, sha256: string, name: string, policy: PolicyModel) {
    this.bytes = bytes;
    this.info = info;
    this.sha256 = sha256;
    this.name = name;
    this.exportNames = policy.exports;
    const start = policy.metadata;
    this.readProblem = policy.metadataError;
    this.origin = start ? 'file' : 'defaults';
    this.kwctlVersion = start?.annotations[KEY_KWCTL];
    const rego = policy.rego;
    // Serialised while still plain: through the state proxies it would wrap every row of a huge form first.
    const initial = formFromMetadata(start ?? emptyMetadata(policy.execution.mode));
    this.initialJson = JSON.stringify(initial);
    this.form = initial;
    this.baseJson = this.initialJson;
    this.channel = draftChannel(this.writer, (a) => {
      if (a.sha256 === this.sha256 && a.version > this.baseVersion && !this.disposed) {
        this.conflict = { savedAt: a.savedAt, version: a.version };
        this.saveStatus = 'conflict';
      }
    });
    // kwctl stops at backend detection for a Rego module in waPC mode and never asks it for a protocol version.
    this.protocol = new ProtocolDetection(bytes, { skip: rego || info.kind !== 'module' });
    // The rows apart from the other fields, so typing in a field other than a row does not read every row again.
    const rows = $derived(annotationsOfRows(this.form.annotations));
    this.metadata = $derived(
      withDetectedProtocol(metadataFromForm(this.form, this.kwctlVersion, rows), this.protocol),
    );
    this.issues = $derived([
      ...validateMetadata(this.metadata, this.info, {
        exports: this.exportNames,
        existingKwctl: this.kwctlVersion,
      }),
      ...protocolIssues(this.metadata, this.protocol),
    ]);
    this.errors = $derived(this.issues.filter((i) => i.severity === 'error'));
    this.rowIssues = $derived(annotationRowIssues(this.form));
    // A string, so edits elsewhere in the form (which rebuild `metadata`) do not trigger a new scan.
    const declared = $derived(JSON.stringify(this.metadata.hostCapabilities ?? []));
    this.capabilityScan = $derived(
      safe(() => scanHostCapabilities(bytes, JSON.parse(declared) as string[]), null),
    );
  }

  /** True while the form differs from what the file (or the defaults) gave. */
  get dirty(): boolean {
    return JSON.stringify(this.form) !== this.initialJson;
  }

  /** Replaces the form with a draft saved earlier for the same module, if there is one. */
  async restoreDraft(signal?: AbortSignal): Promise<void> {
    const before = JSON.stringify(this.form);
    const generation = this.generation;
    try {
      const draft = await loadDraft(this.sha256, signal);
      if (this.disposed || !draft || !isFormModel(draft.value)) return;
      // Never overwrite edits made (or a discard done) while the draft was being read.
      if (generation !== this.generation || JSON.stringify(this.form) !== before) return;
      this.adopt(draft as Draft<FormModel>);
      this.restoredAt = draft.savedAt;
      this.saveStatus = 'saved';
    } catch {
      // No IndexedDB (some private windows): editing still works, only without drafts.
    }
  }

  /** Called on every change; saves after a short pause, or deletes the draft when the edits were undone. */
  scheduleSave(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.conflict) return;
    // No `dirty` here: it serialises the whole form, and this runs on every keystroke. The save decides.
    if (this.saveStatus !== 'none' || this.restoredAt) this.saveStatus = 'pending';
    this.timer = setTimeout(() => void this.saveNow(), SAVE_DELAY_MS);
  }

  /** Saves now: only over the version this tab last saw, so another tab's newer draft is never overwritten. */
  saveNow(): Promise<void> {
    this.timer = null;
    if (this.disposed) return this.saving;
    this.saving = this.saving.then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    if (this.conflict) {
      this.saveStatus = 'conflict';
      return;
    }
    this.writing = true;
    try {
      const json = JSON.stringify(this.form);
      if (this.dirty) {
        if (json === this.baseJson && this.baseVersion > 0) {
          this.saveStatus = 'saved'; // already stored as it is
          return;
        }
        const value = JSON.parse(json) as FormModel;
        const outcome = await saveDraftIfUnchanged(this.sha256, this.name, value, {
          baseVersion: this.baseVersion,
          tab: this.writer,
        });
        if (!outcome.ok) {
          this.conflict = { savedAt: outcome.current.savedAt, version: outcome.current.version };
          this.saveStatus = 'conflict';
          return;
        }
        this.baseVersion = outcome.draft.version;
        this.baseJson = json;
        this.saveStatus = 'saved';
        const { version, savedAt } = outcome.draft;
        this.channel.announce({ sha256: this.sha256, version, savedAt, tab: this.writer });
      } else if (this.saveStatus !== 'none') {
        await discardDraft(this.sha256);
        this.saveStatus = 'none';
      }
    } catch {
      this.saveStatus = 'failed';
    } finally {
      this.writing = false;
    }
  }

  /**
   * Saves a pending edit at once, when the page is hidden or unloads. Unloading leaves no time to read the stored
   * version first, so the write goes straight out (unless another tab is known to have written since).
   */
  flush(unloading: boolean): void {
    if ((!this.timer && !this.writing) || this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!unloading) {
      void this.saveNow();
      return;
    }
    if (this.conflict || !this.dirty) return;
    const value = $state.snapshot(this.form) as FormModel;
    // Synchronous, so it is kept however soon the page goes; the IndexedDB write may or may not finish first.
    stashDraft(this.sha256, this.name, value, this.baseVersion + 1, this.writer);
    void saveDraft(this.sha256, this.name, value, undefined, {
      version: this.baseVersion + 1,
      tab: this.writer,
    }).catch(() => {});
  }

  /** Makes a stored draft the form and the base of this tab's next save. */
  private adopt(draft: Draft<FormModel>): void {
    this.form = draft.value;
    this.baseVersion = draft.version;
    this.baseJson = JSON.stringify(draft.value);
  }

  /**
   * Answers a conflict with another tab's draft: `theirs` replaces this tab's form with it, `merge` combines both
   * tabs' edits field by field (this tab wins where both changed a field), `mine` saves this tab's form over it.
   */
  async resolveConflict(choice: 'theirs' | 'merge' | 'mine'): Promise<void> {
    if (!this.conflict) return;
    const stored = await loadDraft(this.sha256).catch(() => undefined);
    const theirs = stored && isFormModel(stored.value) ? (stored as Draft<FormModel>) : null;
    this.conflict = null;
    this.mergeConflicts = null;
    if (!theirs) {
      // Their draft is gone (discarded there): nothing to lose by saving this tab's form.
      this.baseVersion = 0;
    } else if (choice === 'theirs') {
      this.adopt(theirs);
      this.restoredAt = theirs.savedAt;
      this.saveStatus = 'saved';
      return;
    } else if (choice === 'merge') {
      const merged = mergeForms(
        JSON.parse(this.baseJson) as FormModel,
        $state.snapshot(this.form) as FormModel,
        theirs.value,
      );
      this.baseVersion = theirs.version;
      this.baseJson = JSON.stringify(theirs.value);
      this.form = merged.form;
      this.mergeConflicts = merged.conflicts;
    } else {
      this.baseVersion = theirs.version;
    }
    await this.saveNow();
  }

  /** Clears the saved draft and goes back to the file's metadata (or the defaults). */
  async discard(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.generation++;
    this.form = JSON.parse(this.initialJson) as FormModel;
    this.restoredAt = null;
    this.notes = [];
    this.importError = null;
    this.conflict = null;
    this.mergeConflicts = null;
    this.baseVersion = 0;
    this.baseJson = this.initialJson;
    try {
      await discardDraft(this.sha256);
    } finally {
      this.saveStatus = 'none';
    }
  }

  /** Loads a metadata.yml into the form; a README's text, when given, becomes the usage (kwctl `-u`). */
  importYaml(text: string, usage?: string): boolean {
    try {
      const { metadata, warnings } = metadataFromYaml(text, usage === undefined ? {} : { usage });
      this.form = formFromMetadata(metadata);
      this.scheduleSave();
      const notes = [...warnings];
      if (metadata.annotations[KEY_KWCTL] !== undefined) {
        notes.push(
          `${KEY_KWCTL} from the file was ignored: Wasmlens never writes a kwctl version` +
            (this.kwctlVersion ? ` (the module's value ${this.kwctlVersion} is kept).` : '.'),
        );
      }
      this.notes = notes;
      this.importError = null;
      return true;
    } catch (e) {
      if (!(e instanceof MetadataError)) throw e;
      // Every problem of the file, one per line in file order, each as kwctl words it.
      this.importError =
        e instanceof MetadataImportError && e.problems.length > 0
          ? e.problems.map((p) => `Line ${p.line}: ${p.message}`).join('\n')
          : e.line
            ? `Line ${e.line}: ${e.message}`
            : e.message;
      return false;
    }
  }

  /** Puts a README's text into the usage field. */
  importUsage(text: string): void {
    this.form.text.usage = text;
    this.scheduleSave();
  }

  /** The module with the form's metadata: only the metadata section differs (Explorer strips debug info). */
  annotated(): Uint8Array {
    return annotate(this.bytes, this.metadata);
  }

  /**
   * {@link annotated} as parts (views of the module, then the new metadata section), for saving: a download of a
   * 100 MB module then holds no second copy of it.
   */
  annotatedParts(): Uint8Array[] {
    return annotateParts(this.bytes, this.metadata);
  }

  /** Flushes a pending draft save and stops further ones. */
  dispose(): void {
    this.protocol.dispose();
    if (this.timer) {
      clearTimeout(this.timer);
      void this.saveNow();
    }
    this.disposed = true;
    // The last save announces itself first; then this editor stops listening.
    void this.saving.finally(() => this.channel.close());
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/**
 * The editor of the open document, kept while that document stays open: leaving Annotate and coming back finds
 * every edit as it was, and a draft is read from storage only once per document.
 */
export class AnnotateSession {
  editor = $state.raw<AnnotateEditor | null>(null);

  constructor() {
    if (typeof window === 'undefined') return;
    // A reload or a closed tab within the save delay must not lose the last edit.
    window.addEventListener('pagehide', () => this.editor?.flush(true));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.editor?.flush(false);
    });
  }

  /** The editor for `doc`, made on first use; another document disposes the old one (flushing its draft). */
  attach(doc: OpenDocument): AnnotateEditor | null {
    const { bytes, info, sha256 } = doc;
    const policy = policyOf(doc);
    if (!bytes || !info || !sha256 || !policy || info.kind !== 'module') {
      // A component cannot carry metadata: no editor (the view says so); the previous file's draft is flushed.
      if (info && info.kind !== 'module') {
        this.editor?.dispose();
        this.editor = null;
      }
      return null;
    }
    if (this.editor?.bytes === bytes) return this.editor;
    this.editor?.dispose();
    const editor = new AnnotateEditor(bytes, info, sha256, doc.name, policy);
    this.editor = editor;
    void editor.restoreDraft();
    return editor;
  }
}

/** The page's one Annotate session. */
export const annotateSession = new AnnotateSession();
