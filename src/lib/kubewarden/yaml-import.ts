/** metadata.yml import: a string-preserving YAML read (`1.10` stays "1.10"), then the same checks as serde_yaml. */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { CoerceError, coerceMetadata } from './coerce';
import { KEY_KWCTL, KEY_USAGE } from './constants';
import { MetadataError } from './errors';
import { protocolVersionFor } from './model';
import type { Metadata } from './types';

export interface YamlImport {
  metadata: Metadata;
  warnings: string[];
}

const PREFIX = 'Error unmarshalling metadata: ';
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};
/** Aliases are expanded while walking; a cap keeps "billion laughs" documents from hanging the page. */
const MAX_NODES = 50_000;
/** Metadata nests 3 levels deep; a generous cap keeps hostile nesting from overflowing the stack. */
const MAX_DEPTH = 64;

interface Walk {
  doc: Document;
  lines: Map<string, number>;
  counter: LineCounter;
  nodes: number;
  aliases: Map<Node, Node | null>;
}

/**
 * Reads a metadata.yml. Scalars keep their literal text; only top-level `mutating` and `backgroundAudit` take
 * plain YAML booleans, and empty/`~`/`null` means "not set" for top-level keys and rule fields.
 * `usage` (a README's text) overrides `io.kubewarden.policy.usage`, as `kwctl annotate -u` does.
 * protocolVersion is parsed, then replaced by what the execution mode implies (§6).
 * Throws {@link MetadataError} `bad-yaml` (syntax) or `invalid-metadata` (shape), with `line` when known.
 */
export function metadataFromYaml(text: string, options: { usage?: string } = {}): YamlImport {
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { schema: 'failsafe', lineCounter: counter, prettyErrors: false });
  } catch (e) {
    // The parser can exhaust the stack on absurd nesting; report it as a YAML error, never crash.
    throw new MetadataError('bad-yaml', `${PREFIX}${(e as Error).message}`);
  }
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0] ?? counter.linePos(err.pos[0]);
    const where = pos ? ` at line ${pos.line} column ${pos.col}` : '';
    throw new MetadataError('bad-yaml', `${PREFIX}${err.message.split('\n')[0]}${where}`, pos?.line);
  }
  const walk: Walk = { doc, lines: new Map(), counter, nodes: 0, aliases: new Map() };
  const value = toValue(doc.contents as Node | null, '', walk);
  let coerced;
  try {
    coerced = coerceMetadata(value);
  } catch (e) {
    if (!(e instanceof CoerceError)) throw e;
    const line = lineOf(e.path, walk.lines);
    const where = line ? ` at line ${line}` : '';
    throw new MetadataError('invalid-metadata', `${PREFIX}${e.message}${where}`, line, e.path || undefined);
  }
  const { metadata, unknownKeys } = coerced;
  const warnings: string[] = [];
  if (unknownKeys.length) warnings.push(`Unknown keys are ignored: ${unknownKeys.join(', ')}`);
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

function lineOf(path: string, lines: Map<string, number>): number | undefined {
  const parts = path ? path.split('.') : [];
  // Annotation keys contain dots, so try every prefix from the longest down.
  for (let n = parts.length; n >= 0; n--) {
    const line = lines.get(parts.slice(0, n).join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}

function child(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function toValue(node: Node | null, path: string, walk: Walk, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    const line = node?.range ? walk.counter.linePos(node.range[0]).line : undefined;
    throw new MetadataError('bad-yaml', `${PREFIX}nesting deeper than ${MAX_DEPTH} levels at ${path}`, line);
  }
  if (++walk.nodes > MAX_NODES) {
    throw new MetadataError(
      'bad-yaml',
      `${PREFIX}the document is too large (over ${MAX_NODES} nodes after aliases)`,
    );
  }
  if (node === null) return null;
  if (node.range) walk.lines.set(path, walk.counter.linePos(node.range[0]).line);
  if (isAlias(node)) {
    // Resolving searches the document, so remember each alias's target.
    if (!walk.aliases.has(node)) walk.aliases.set(node, (node.resolve(walk.doc) as Node | undefined) ?? null);
    return toValue(walk.aliases.get(node) ?? null, path, walk, depth + 1);
  }
  if (isScalar(node)) return scalar(node.value, node.type === 'PLAIN', path);
  if (isSeq(node))
    return node.items.map((item, i) => toValue(item as Node | null, child(path, i), walk, depth + 1));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode)) {
        const line = keyNode?.range ? walk.counter.linePos(keyNode.range[0]).line : undefined;
        throw new MetadataError(
          'invalid-metadata',
          `${PREFIX}${path || 'document'}: keys must be plain strings`,
          line,
        );
      }
      const key = String(keyNode.value ?? '');
      // defineProperty keeps a key named `__proto__` as data.
      Object.defineProperty(out, key, {
        value: toValue(pair.value as Node | null, child(path, key), walk, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return null;
}

function scalar(value: unknown, plain: boolean, path: string): unknown {
  const text = value === null || value === undefined ? '' : String(value);
  const depth = path === '' ? 0 : path.split('.').length;
  if (plain && (path === 'mutating' || path === 'backgroundAudit') && text in BOOLS) return BOOLS[text];
  // Top-level keys and rule / resource fields are Option or struct fields in kwctl: null means "absent".
  const structField = depth === 1 || (depth === 3 && /^(rules|contextAwareResources)\.\d+\./.test(path));
  if (plain && structField && NULLS.has(text)) return null;
  return text;
}
