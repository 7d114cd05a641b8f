/** The Annotate editor: a form over Kubewarden metadata, live kwctl validation, imports and the saved draft. */
import {
  annotate,
  emptyMetadata,
  metadataFromYaml,
  MetadataError,
  protocolVersionFor,
  scanHostCapabilities,
  validateMetadata,
  KEY_AUTHOR,
  KEY_CATEGORY,
  KEY_DESCRIPTION,
  KEY_KWCTL,
  KEY_LICENSE,
  KEY_OCI_URL,
  KEY_SEVERITY,
  KEY_SOURCE,
  KEY_TITLE,
  KEY_URL,
  KEY_USAGE,
  KEY_VERSION,
  EXECUTION_MODES,
  OPERATIONS,
  POLICY_TYPES,
  type CapabilityScan,
  type ExecutionMode,
  type Issue,
  type Metadata,
  type Operation,
  type PolicyModel,
  type PolicyType,
} from '../lib/kubewarden';
import { ProtocolDetection } from './protocol-detection.svelte';
import type { WasmInfo } from '../lib/wasm';
import { discardDraft, loadDraft, saveDraft } from '../lib/storage';
import type { OpenDocument } from './document.svelte';
import { policyOf } from './policy';

/** The well-known annotations that get their own inputs, in the form's order. */
export const TEXT_FIELDS = [
  { name: 'title', key: KEY_TITLE, label: 'Title' },
  { name: 'description', key: KEY_DESCRIPTION, label: 'Description' },
  { name: 'author', key: KEY_AUTHOR, label: 'Author' },
  { name: 'url', key: KEY_URL, label: 'URL' },
  { name: 'source', key: KEY_SOURCE, label: 'Source' },
  { name: 'license', key: KEY_LICENSE, label: 'License' },
  { name: 'version', key: KEY_VERSION, label: 'Version' },
  { name: 'ociUrl', key: KEY_OCI_URL, label: 'OCI URL' },
  { name: 'category', key: KEY_CATEGORY, label: 'Category' },
  { name: 'severity', key: KEY_SEVERITY, label: 'Severity' },
  { name: 'usage', key: KEY_USAGE, label: 'Usage' },
] as const;
export type TextFieldName = (typeof TEXT_FIELDS)[number]['name'];

export interface RuleForm {
  /** Comma-separated lists; `""` stands for the empty string (the core API group). */
  apiGroups: string;
  apiVersions: string;
  resources: string;
  operations: Operation[];
}

/** Everything the form edits, as plain JSON (this is what a draft stores). */
export interface FormModel {
  text: Record<TextFieldName, string>;
  annotations: { key: string; value: string }[];
  rules: RuleForm[];
  mutating: boolean;
  backgroundAudit: boolean;
  executionMode: ExecutionMode;
  policyType: PolicyType;
  contextAwareResources: { apiVersion: string; kind: string }[];
  /** Off: the key is left out. On: written, also as `[]` when the list is empty. */
  declareHostCapabilities: boolean;
  /** One capability per line. */
  hostCapabilities: string;
  minimumKubewardenVersion: string;
}

/** Splits a comma-separated list; `""` or `''` is an empty-string item, blank items are dropped. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (s === '""' || s === "''" ? '' : s));
}

/** The inverse of {@link splitList}. */
export function joinList(items: readonly string[]): string {
  return items.map((s) => (s === '' ? '""' : s)).join(', ');
}

/** The form for a metadata object; `io.kubewarden.kwctl` is left out (it is kept as the file has it). */
export function formFromMetadata(m: Metadata): FormModel {
  const annotations = { ...m.annotations };
  const text = {} as Record<TextFieldName, string>;
  for (const f of TEXT_FIELDS) {
    text[f.name] = annotations[f.key] ?? '';
    delete annotations[f.key];
  }
  delete annotations[KEY_KWCTL];
  return {
    text,
    annotations: Object.entries(annotations).map(([key, value]) => ({ key, value: String(value) })),
    rules: m.rules.map((r) => ({
      apiGroups: joinList(r.apiGroups),
      apiVersions: joinList(r.apiVersions),
      resources: joinList(r.resources),
      operations: [...r.operations],
    })),
    mutating: m.mutating,
    backgroundAudit: m.backgroundAudit,
    executionMode: m.executionMode,
    policyType: m.policyType,
    contextAwareResources: m.contextAwareResources.map((r) => ({ ...r })),
    declareHostCapabilities: m.hostCapabilities !== undefined,
    hostCapabilities: (m.hostCapabilities ?? []).join('\n'),
    minimumKubewardenVersion: m.minimumKubewardenVersion ?? '',
  };
}

/**
 * The metadata the form describes. `kwctlVersion` is the file's existing `io.kubewarden.kwctl` value: it is
 * kept, and a value typed by the user is dropped (Wasmlens never fakes a kwctl version, spec §6).
 */
export function metadataFromForm(form: FormModel, kwctlVersion?: string): Metadata {
  const annotations: Record<string, string> = {};
  for (const row of form.annotations)
    if (row.key !== '' && row.key !== KEY_KWCTL) annotations[row.key] = row.value;
  for (const f of TEXT_FIELDS) if (form.text[f.name] !== '') annotations[f.key] = form.text[f.name];
  if (kwctlVersion !== undefined) annotations[KEY_KWCTL] = kwctlVersion;
  const m: Metadata = {
    ...emptyMetadata(form.executionMode),
    protocolVersion: protocolVersionFor(form.executionMode).version,
    rules: form.rules.map((r) => ({
      apiGroups: splitList(r.apiGroups),
      apiVersions: splitList(r.apiVersions),
      resources: splitList(r.resources),
      operations: OPERATIONS.filter((op) => r.operations.includes(op)),
    })),
    annotations,
    mutating: form.mutating,
    backgroundAudit: form.backgroundAudit,
    policyType: form.policyType,
    contextAwareResources: form.contextAwareResources.map((r) => ({
      apiVersion: r.apiVersion,
      kind: r.kind,
    })),
  };
  if (form.declareHostCapabilities) {
    m.hostCapabilities = form.hostCapabilities
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  if (form.minimumKubewardenVersion.trim() !== '')
    m.minimumKubewardenVersion = form.minimumKubewardenVersion.trim();
  return m;
}

/** True when a value read back from a draft has the shape of a {@link FormModel}. */
export function isFormModel(v: unknown): v is FormModel {
  if (!v || typeof v !== 'object') return false;
  const f = v as Partial<FormModel>;
  const strings = (o: unknown, keys: string[]) =>
    !!o && typeof o === 'object' && keys.every((k) => typeof (o as Record<string, unknown>)[k] === 'string');
  return (
    strings(
      f.text,
      TEXT_FIELDS.map((t) => t.name),
    ) &&
    Array.isArray(f.annotations) &&
    f.annotations.every((a) => strings(a, ['key', 'value'])) &&
    Array.isArray(f.rules) &&
    f.rules.every(
      (r) =>
        strings(r, ['apiGroups', 'apiVersions', 'resources']) &&
        Array.isArray(r.operations) &&
        r.operations.every((o) => OPERATIONS.includes(o)),
    ) &&
    typeof f.mutating === 'boolean' &&
    typeof f.backgroundAudit === 'boolean' &&
    EXECUTION_MODES.includes(f.executionMode as ExecutionMode) &&
    POLICY_TYPES.includes(f.policyType as PolicyType) &&
    Array.isArray(f.contextAwareResources) &&
    f.contextAwareResources.every((r) => strings(r, ['apiVersion', 'kind'])) &&
    typeof f.declareHostCapabilities === 'boolean' &&
    typeof f.hostCapabilities === 'string' &&
    typeof f.minimumKubewardenVersion === 'string'
  );
}

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
  saveStatus = $state<'none' | 'pending' | 'saved' | 'failed'>('none');

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
  /** kwctl's host-capability scan against the declared list; re-run only when that list changes. */
  readonly capabilityScan: CapabilityScan | null;
  /** The waPC protocol version, asked of the module itself (kwctl annotate's detection step). */
  readonly protocol: ProtocolDetection;
  private readonly initialJson: string;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
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
    this.form = formFromMetadata(start ?? emptyMetadata(policy.execution.mode));
    this.initialJson = JSON.stringify(this.form);
    // kwctl stops at backend detection for a Rego module in waPC mode and never asks it for a protocol version.
    this.protocol = new ProtocolDetection(bytes, { skip: rego || info.kind !== 'module' });
    this.metadata = $derived(
      withDetectedProtocol(metadataFromForm(this.form, this.kwctlVersion), this.protocol),
    );
    this.issues = $derived([
      ...validateMetadata(this.metadata, this.info, {
        exports: this.exportNames,
        existingKwctl: this.kwctlVersion,
      }),
      ...protocolIssues(this.metadata, this.protocol),
    ]);
    this.errors = $derived(this.issues.filter((i) => i.severity === 'error'));
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
      this.form = draft.value;
      this.restoredAt = draft.savedAt;
      this.saveStatus = 'saved';
    } catch {
      // No IndexedDB (some private windows): editing still works, only without drafts.
    }
  }

  /** Called on every change; saves after a short pause, or deletes the draft when the edits were undone. */
  scheduleSave(): void {
    if (this.timer) clearTimeout(this.timer);
    this.saveStatus = this.dirty || this.restoredAt ? 'pending' : this.saveStatus;
    this.timer = setTimeout(() => void this.saveNow(), SAVE_DELAY_MS);
  }

  async saveNow(): Promise<void> {
    this.timer = null;
    if (this.disposed) return;
    try {
      if (this.dirty) {
        await saveDraft(this.sha256, this.name, $state.snapshot(this.form));
        this.saveStatus = 'saved';
      } else if (this.saveStatus !== 'none') {
        await discardDraft(this.sha256);
        this.saveStatus = 'none';
      }
    } catch {
      this.saveStatus = 'failed';
    }
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
      this.importError = e.line ? `Line ${e.line}: ${e.message}` : e.message;
      return false;
    }
  }

  /** Puts a README's text into the usage field. */
  importUsage(text: string): void {
    this.form.text.usage = text;
  }

  /** The module with the form's metadata: only the metadata section differs (Explorer strips debug info). */
  annotated(): Uint8Array {
    return annotate(this.bytes, this.metadata);
  }

  /** Flushes a pending draft save and stops further ones. */
  dispose(): void {
    this.protocol.dispose();
    if (this.timer) {
      clearTimeout(this.timer);
      void this.saveNow();
    }
    this.disposed = true;
  }
}

/** For waPC, the protocol version detection found (or the user's explicit "assume v1"), not a guess. */
function withDetectedProtocol(m: Metadata, protocol: ProtocolDetection): Metadata {
  return m.executionMode === 'kubewarden-wapc' && !protocol.skip
    ? { ...m, protocolVersion: protocol.effective }
    : m;
}

/** Detection in progress or failed blocks the download, next to the protocol version field. */
function protocolIssues(m: Metadata, protocol: ProtocolDetection): Issue[] {
  if (m.executionMode !== 'kubewarden-wapc' || protocol.skip) return [];
  if (protocol.status === 'detecting' || protocol.status === 'idle')
    return [
      { severity: 'error', field: 'protocolVersion', message: 'Asking the module for its protocol version…' },
    ];
  if (protocol.status === 'failed' && !protocol.assumeV1)
    return [{ severity: 'error', field: 'protocolVersion', message: protocol.error ?? 'Detection failed.' }];
  return [];
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
