/** The Annotate form model and its pure conversions to and from Kubewarden metadata (no runes: testable in Node). */
import {
  emptyMetadata,
  protocolVersionFor,
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
  type ExecutionMode,
  type Issue,
  type Metadata,
  type Operation,
  type PolicyType,
} from '../lib/kubewarden';

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

/** Keys an annotation row cannot set: each has its own field, and io.kubewarden.kwctl is never written. */
function reservedKeyOwner(key: string): string | null {
  if (key === KEY_KWCTL) return 'reserved for the kwctl version that annotated the file';
  const field = TEXT_FIELDS.find((f) => f.key === key);
  return field ? `set by the ${field.label} field` : null;
}

/**
 * Form problems that kwctl's checks cannot see: an annotation row whose key another field owns (it is not
 * written, and says so next to the row) and a key typed twice (the last row wins). Field `annotationRow.<i>`.
 */
export function annotationRowIssues(form: FormModel): Issue[] {
  const issues: Issue[] = [];
  const last = new Map<string, number>();
  form.annotations.forEach((row, i) => last.set(row.key, i));
  form.annotations.forEach((row, i) => {
    const field = `annotationRow.${i}`;
    const owner = reservedKeyOwner(row.key);
    if (owner)
      issues.push({
        severity: 'warning',
        field,
        message: `${row.key} is ${owner}: this row is not written. Put the value there instead.`,
      });
    else if (row.key !== '' && last.get(row.key) !== i)
      issues.push({
        severity: 'warning',
        field,
        message: `${row.key} is typed again in annotation ${(last.get(row.key) ?? i) + 1}; only that row is written.`,
      });
  });
  return issues;
}

/**
 * The metadata the form describes. `kwctlVersion` is the file's existing `io.kubewarden.kwctl` value: it is
 * kept, and a value typed by the user is dropped (Wasmlens never fakes a kwctl version, spec §6). Rows whose key a
 * field owns are not written ({@link annotationRowIssues} tells the user).
 */
/** The annotation rows the metadata keeps: named, and not a key a form field owns. */
export function annotationsOfRows(rows: FormModel['annotations']): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const row of rows)
    if (row.key !== '' && reservedKeyOwner(row.key) === null) annotations[row.key] = row.value;
  return annotations;
}

/**
 * The metadata the form describes. `rows` is {@link annotationsOfRows} of the form's rows, passed in when the caller
 * keeps it apart: with 50,000 rows, reading every row through the form's state again on each keystroke in another
 * field was most of that keystroke's work.
 */
export function metadataFromForm(
  form: FormModel,
  kwctlVersion?: string,
  rows: Record<string, string> = annotationsOfRows(form.annotations),
): Metadata {
  const annotations: Record<string, string> = { ...rows };
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
