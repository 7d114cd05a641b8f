/**
 * metadata.yml import: a string-preserving YAML read (`1.10` stays "1.10") decoded with serde_yaml 0.9's rules for
 * kwctl's `Metadata` struct, reporting every problem at once in line order.
 */
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../common';
import { LineCounter, parseDocument, type Document, type Node } from 'yaml';
import {
  EXECUTION_MODES,
  KEY_KWCTL,
  KEY_USAGE,
  METADATA_KEYS,
  OPERATIONS,
  POLICY_TYPES,
  PROTOCOL_VERSIONS,
} from './constants';
import { MetadataError } from './errors';
import { protocolVersionFor } from './model';
import {
  keyPath,
  ReadLimit,
  ROOT,
  SerdeYamlReader,
  type ImportProblem,
  type SerdePath,
} from './serde-yaml-read';
import type { ContextAwareResource, Metadata, Rule } from './types';

export type { ImportProblem } from './serde-yaml-read';

export interface YamlImport {
  metadata: Metadata;
  warnings: string[];
}

/** Every problem of a metadata.yml, in line order; `message` summarises them, `problems` lists them. */
export class MetadataImportError extends MetadataError {
  constructor(
    code: 'bad-yaml' | 'invalid-metadata',
    readonly problems: ImportProblem[],
  ) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(
      code,
      `${PREFIX}${first?.message ?? 'unreadable document'}${more}`,
      first?.line,
      first?.field || undefined,
    );
  }
}

/** kwctl's words before a serde_yaml error (crates/kwctl/src/scaffold/artifacthub.rs). */
const PREFIX = 'Error unmarshalling metadata: ';

const RULE_FIELDS = ['apiGroups', 'apiVersions', 'resources', 'operations'] as const;
const RESOURCE_FIELDS = ['apiVersion', 'kind'] as const;
/** Fields without `#[serde(default)]` or `Option` in kwctl's `Metadata` (crates/policy-evaluator/src/policy_metadata.rs). */
const REQUIRED = ['rules', 'mutating'];

/**
 * Reads a metadata.yml. Scalars keep their literal text; null, `~` and empty values follow serde_yaml: `None` for
 * `Option` fields, `[]`/`{}` for an empty plain value of a list or map, an error for a `bool` or an enum.
 * `usage` (a README's text) overrides `io.kubewarden.policy.usage`, as `kwctl annotate -u` does.
 * protocolVersion is parsed, then replaced by what the execution mode implies (§6).
 * Throws {@link MetadataImportError} (`bad-yaml` for syntax, `invalid-metadata` for shape) listing every problem.
 */
export function metadataFromYaml(text: string, options: { usage?: string } = {}): YamlImport {
  const counter = new LineCounter();
  // A few thousand "[" crash the YAML parser beyond any catch; refuse absurd nesting before it sees the text.
  const deep = yamlTooDeepAt(text);
  if (deep !== null)
    throw syntax([
      {
        message: `the document nests deeper than ${MAX_YAML_DEPTH} levels at line ${deep}`,
        line: deep,
        column: 1,
        field: '',
      },
    ]);
  let doc: Document;
  try {
    // uniqueKeys off: `yaml`'s own check is quadratic in the number of keys (issue 19); structs check duplicates below.
    doc = parseDocument(text, {
      schema: 'failsafe',
      lineCounter: counter,
      prettyErrors: false,
      uniqueKeys: false,
    });
  } catch (e) {
    // The parser can exhaust the stack on absurd nesting; report it as a YAML error, never crash.
    throw syntax([{ message: (e as Error).message, line: 1, column: 1, field: '' }]);
  }
  if (doc.errors.length) {
    throw syntax(
      doc.errors.map((err) => {
        const pos = err.linePos?.[0] ?? counter.linePos(err.pos[0]);
        const message = `${err.message.split('\n')[0]} at line ${pos.line} column ${pos.col}`;
        return { message, line: pos.line, column: pos.col, field: '' };
      }),
    );
  }
  const reader = new SerdeYamlReader(doc, counter, text);
  let decoded: { metadata: Metadata; unknown: string[] } | undefined;
  try {
    decoded = decodeMetadata(reader, (doc.contents as Node | null) ?? null);
  } catch (e) {
    if (!(e instanceof ReadLimit)) throw e;
    throw syntax([{ message: e.message, line: 1, column: 1, field: '' }]);
  }
  if (reader.problems.length || !decoded) {
    const problems = [...reader.problems].sort((a, b) => a.line - b.line || a.column - b.column);
    throw new MetadataImportError('invalid-metadata', problems);
  }
  const { metadata, unknown } = decoded;
  const warnings: string[] = [];
  if (unknown.length) warnings.push(`Unknown keys are ignored: ${unknown.join(', ')}`);
  if (Object.prototype.hasOwnProperty.call(metadata.annotations, KEY_KWCTL)) {
    delete metadata.annotations[KEY_KWCTL];
    warnings.push(
      `The annotation ${KEY_KWCTL} is reserved for the kwctl version that annotated the file; the value from metadata.yml is ignored.`,
    );
  }
  if (options.usage !== undefined) metadata.annotations[KEY_USAGE] = options.usage;
  metadata.protocolVersion = protocolVersionFor(metadata.executionMode).version;
  return { metadata, warnings };
}

function syntax(problems: ImportProblem[]): MetadataImportError {
  return new MetadataImportError(
    'bad-yaml',
    problems.sort((a, b) => a.line - b.line || a.column - b.column),
  );
}

function decodeRule(r: SerdeYamlReader, node: Node | null, path: SerdePath, depth: number): Rule | undefined {
  const s = r.struct(node, path, depth, 'Rule', RULE_FIELDS, RULE_FIELDS);
  if (!s) return undefined;
  const list = (name: (typeof RULE_FIELDS)[number]) =>
    s.fields.has(name)
      ? r.seq(s.fields.get(name) ?? null, keyPath(path, name), s.depth + 1, (n, p, d) => r.str(n, p, d))
      : undefined;
  const apiGroups = list('apiGroups');
  const apiVersions = list('apiVersions');
  const resources = list('resources');
  const operations = s.fields.has('operations')
    ? r.seq(s.fields.get('operations') ?? null, keyPath(path, 'operations'), s.depth + 1, (n, p, d) =>
        r.variant(n, p, d, OPERATIONS),
      )
    : undefined;
  if (!apiGroups || !apiVersions || !resources || !operations) return undefined;
  return { apiGroups, apiVersions, resources, operations };
}

function decodeResource(
  r: SerdeYamlReader,
  node: Node | null,
  path: SerdePath,
  depth: number,
): ContextAwareResource | undefined {
  const s = r.struct(node, path, depth, 'ContextAwareResource', RESOURCE_FIELDS, RESOURCE_FIELDS);
  if (!s) return undefined;
  const field = (name: string) =>
    s.fields.has(name) ? r.str(s.fields.get(name) ?? null, keyPath(path, name), s.depth + 1) : undefined;
  const apiVersion = field('apiVersion');
  const kind = field('kind');
  return apiVersion === undefined || kind === undefined ? undefined : { apiVersion, kind };
}

/** kwctl's `Metadata` struct, field by field, with serde's `default` / `Option` semantics for each. */
function decodeMetadata(
  r: SerdeYamlReader,
  root: Node | null,
): { metadata: Metadata; unknown: string[] } | undefined {
  const s = r.struct(root, ROOT, 0, 'Metadata', METADATA_KEYS, REQUIRED);
  if (!s) return undefined;
  const d = s.depth + 1;
  const node = (key: string) => s.fields.get(key) ?? null;
  const has = (key: string) => s.fields.has(key);
  /** An `Option` field: absent or null-ish is None. */
  const option = <T>(
    key: string,
    read: (n: Node | null, p: SerdePath) => T | undefined,
  ): T | undefined | null =>
    !has(key) || r.isNone(node(key), d) ? null : read(node(key), keyPath(ROOT, key));
  let ok = true;
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) ok = false;
    return v as T;
  };

  const protocol = option('protocolVersion', (n, p) => r.variant(n, p, d, PROTOCOL_VERSIONS));
  const rules = has('rules')
    ? need(r.seq(node('rules'), keyPath(ROOT, 'rules'), d, (n, p, dd) => decodeRule(r, n, p, dd)))
    : need(undefined);
  const annotations = option('annotations', (n, p) => r.stringMap(n, p, d));
  const mutating = has('mutating')
    ? need(r.bool(node('mutating'), keyPath(ROOT, 'mutating'), d))
    : need(undefined);
  const backgroundAudit = has('backgroundAudit')
    ? need(r.bool(node('backgroundAudit'), keyPath(ROOT, 'backgroundAudit'), d))
    : true;
  const executionMode = has('executionMode')
    ? need(r.variant(node('executionMode'), keyPath(ROOT, 'executionMode'), d, EXECUTION_MODES))
    : 'kubewarden-wapc';
  const policyType = has('policyType')
    ? need(r.variant(node('policyType'), keyPath(ROOT, 'policyType'), d, POLICY_TYPES))
    : 'kubernetes';
  const resources = has('contextAwareResources')
    ? need(
        r.seq(node('contextAwareResources'), keyPath(ROOT, 'contextAwareResources'), d, (n, p, dd) =>
          decodeResource(r, n, p, dd),
        ),
      )
    : [];
  const hostCapabilities = option('hostCapabilities', (n, p) =>
    r.seq(n, p, d, (i, ip, id) => r.str(i, ip, id)),
  );
  const minimum = option('minimumKubewardenVersion', (n, p) => r.str(n, p, d));
  if (
    protocol === undefined ||
    annotations === undefined ||
    hostCapabilities === undefined ||
    minimum === undefined
  )
    ok = false;
  if (!ok) return undefined;
  const metadata: Metadata = {
    protocolVersion: protocol ?? 'Unknown',
    rules: rules as Rule[],
    annotations: annotations ?? {},
    mutating: mutating as boolean,
    backgroundAudit,
    executionMode,
    policyType,
    contextAwareResources: resources,
  };
  if (hostCapabilities) metadata.hostCapabilities = hostCapabilities;
  if (minimum !== null && minimum !== undefined) metadata.minimumKubewardenVersion = minimum;
  return { metadata, unknown: s.unknown };
}
