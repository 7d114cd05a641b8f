/** Splits multi-document YAML and lists each document's kind, name and apiVersion; checks Kyverno policies. */
import { parseAllDocuments } from 'yaml';
import { ArtifactError } from './errors';
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../common';

/** Largest YAML text accepted: policy files are kilobytes, and the parser's memory grows with the input. */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;

export interface YamlDocument {
  /** 0-based position among the non-empty documents of the file. */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  /** The document's own text, without `---` / `...` markers. */
  text: string;
  /** The parsed value, or null when the document did not parse. */
  value: unknown;
  apiVersion: string | null;
  kind: string | null;
  name: string | null;
  namespace: string | null;
  /** Parse errors, each with its line and column. */
  errors: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

/**
 * 1-based line numbers of offsets asked in increasing order (documents come in file order): it counts newlines from
 * where the last answer stopped, so a file of many documents is scanned once, not once per document.
 */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    const to = Math.min(offset, text.length);
    if (to < at) {
      at = 0;
      line = 1;
    }
    for (; at < to; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

/** Splits YAML text into its documents, skipping empty ones. Never throws for bad YAML: errors go per document. */
export function splitYamlDocuments(text: string): YamlDocument[] {
  if (text.length > MAX_YAML_BYTES)
    throw new ArtifactError('too-large', `YAML text of ${text.length} characters exceeds ${MAX_YAML_BYTES}`);
  const deepAt = yamlTooDeepAt(text);
  if (deepAt !== null)
    throw new ArtifactError(
      'bad-yaml',
      `The YAML nests deeper than ${MAX_YAML_DEPTH} levels`,
      `line ${deepAt}`,
    );
  const out: YamlDocument[] = [];
  const lineAt = lineCounter(text);
  for (const doc of parseAllDocuments(text, { prettyErrors: true })) {
    const [start, , end] = doc.range;
    const body = text
      .slice(start, end)
      .replace(/^---[^\n]*(\n|$)/, '')
      .replace(/(^|\n)\.\.\.\s*$/, '$1');
    const errors = doc.errors.map((e) => e.message.split('\n')[0]!);
    let value: unknown = null;
    if (errors.length === 0) {
      try {
        // maxAliasCount bounds alias expansion ("billion laughs").
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    // An empty document (`---` alone, or only comments) parses to a null scalar: nothing to list.
    if (value === null && errors.length === 0) continue;
    const meta = isRecord(value) && isRecord(value.metadata) ? value.metadata : {};
    out.push({
      index: out.length,
      line: lineAt(doc.contents?.range[0] ?? start),
      text: body,
      value,
      apiVersion: isRecord(value) ? scalar(value.apiVersion) : null,
      kind: isRecord(value) ? scalar(value.kind) : null,
      name: scalar(meta.name),
      namespace: scalar(meta.namespace),
      errors,
    });
  }
  return out;
}

/** The kinds Kyverno CLI 1.9–1.19 pushes (ClusterPolicy, Policy) and the newer policies.kyverno.io kinds. */
export const KYVERNO_KINDS = ['ClusterPolicy', 'Policy'] as const;
const NEWER_KINDS = [
  'ValidatingPolicy',
  'NamespacedValidatingPolicy',
  'ImageValidatingPolicy',
  'NamespacedImageValidatingPolicy',
  'MutatingPolicy',
  'NamespacedMutatingPolicy',
  'GeneratingPolicy',
  'NamespacedGeneratingPolicy',
  'DeletingPolicy',
  'NamespacedDeletingPolicy',
];

export interface PolicyIssue {
  severity: 'error' | 'warning';
  /** The field concerned: `apiVersion`, `kind`, `metadata.name`, or `document` for parse errors. */
  field: string;
  message: string;
}

/** Checks a document as a Kyverno policy: `apiVersion`, `kind` and `metadata.name` must be present and sensible. */
export function checkKyvernoPolicy(doc: YamlDocument): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const at = `document ${doc.index + 1} (line ${doc.line})`;
  for (const e of doc.errors) issues.push({ severity: 'error', field: 'document', message: `${at}: ${e}` });
  if (doc.errors.length > 0) return issues;
  if (!isRecord(doc.value)) {
    issues.push({ severity: 'error', field: 'document', message: `${at} is not a mapping` });
    return issues;
  }
  if (!doc.apiVersion)
    issues.push({ severity: 'error', field: 'apiVersion', message: `${at} has no apiVersion` });
  else if (!/^(policies\.)?kyverno\.io\//.test(doc.apiVersion))
    issues.push({
      severity: 'error',
      field: 'apiVersion',
      message: `${at}: apiVersion ${doc.apiVersion} is not a Kyverno API (kyverno.io/… or policies.kyverno.io/…)`,
    });
  if (!doc.kind) issues.push({ severity: 'error', field: 'kind', message: `${at} has no kind` });
  else if (NEWER_KINDS.includes(doc.kind))
    issues.push({
      severity: 'warning',
      field: 'kind',
      message: `${at}: ${doc.kind} is newer than the Kyverno CLI OCI layout (ClusterPolicy and Policy)`,
    });
  else if (!(KYVERNO_KINDS as readonly string[]).includes(doc.kind))
    issues.push({
      severity: 'error',
      field: 'kind',
      message: `${at}: kind ${doc.kind} is not a Kyverno policy`,
    });
  if (!doc.name)
    issues.push({ severity: 'error', field: 'metadata.name', message: `${at} has no metadata.name` });
  return issues;
}
