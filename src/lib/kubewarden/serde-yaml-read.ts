/**
 * Reads a YAML AST the way serde_yaml 0.9 deserializes kwctl's structs (dtolnay/serde-yaml src/de.rs), but keeps
 * going after an error so that every problem is reported at once, each with serde_yaml's words, path and mark.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/** One problem, as serde_yaml would report it if it were alone: `path: message at line L column C`. */
export interface ImportProblem {
  /** serde_yaml's full text, e.g. ``rules[0].operations[0]: unknown variant `create`, … at line 5 column 19``. */
  message: string;
  line: number;
  column: number;
  /** The form's dotted path (`rules.0.operations.0`); `''` for the whole document. */
  field: string;
}

/** A place in the value tree: serde_yaml's display path and Wasmlens's dotted field path. */
export interface SerdePath {
  serde: string;
  field: string;
}

export const ROOT: SerdePath = { serde: '.', field: '' };

/** The path of a struct field or map key below `parent` (serde_yaml src/path.rs `Path::Map`). */
export function keyPath(parent: SerdePath, key: string): SerdePath {
  return {
    serde: parent.serde === '.' ? key : `${parent.serde}.${key}`,
    field: parent.field === '' ? key : `${parent.field}.${key}`,
  };
}

/** The path of a sequence item (serde_yaml `Path::Seq`: `rules[0]`). */
export function indexPath(parent: SerdePath, index: number): SerdePath {
  return {
    serde: `${parent.serde}[${index}]`,
    field: parent.field === '' ? `${index}` : `${parent.field}.${index}`,
  };
}

/**
 * Aliases are expanded while reading; a cap keeps "billion laughs" documents from hanging the page. The cap grows
 * with the text (a document without aliases has fewer nodes than bytes), so only alias expansion can reach it.
 */
export const MAX_NODES = 50_000;
/** Metadata nests 3 levels deep; a generous cap keeps hostile nesting from overflowing the stack. */
export const MAX_DEPTH = 64;

const NULL_WORDS = new Set(['~', 'null', 'Null', 'NULL']);
const TRUE_WORDS = new Set(['true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['false', 'False', 'FALSE']);
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_FLOAT = /^(?:[+-]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Thrown when the document is too large or too deep to read safely; reported as one problem. */
export class ReadLimit extends Error {}

/** serde_yaml `digits_but_not_number`: a leading zero followed by digits stays a string (YAML 1.2). */
export function digitsButNotNumber(text: string): boolean {
  const s = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  return s.length > 1 && s.startsWith('0') && /^\d+$/.test(s.slice(1));
}

/** A `0x`/`0o`/`0b` integer: its value, null when the digits are bad, undefined when there is no prefix. */
function radixInt(text: string, negative: boolean): bigint | null | undefined {
  for (const [prefix, radix] of [
    ['0x', 16],
    ['0o', 8],
    ['0b', 2],
  ] as const) {
    if (!text.startsWith(prefix)) continue;
    const digits = text.slice(2);
    const ok = { 16: /^[0-9a-fA-F]+$/, 8: /^[0-7]+$/, 2: /^[01]+$/ }[radix].test(digits);
    if (!ok) return null;
    const value = BigInt(`0${prefix[1]}${digits}`);
    return negative ? -value : value;
  }
  return undefined;
}

/** serde_yaml's untagged integer (`parse_unsigned_int`, `parse_negative_int`), as a decimal string, or null. */
export function yamlInteger(text: string): string | null {
  const U128 = (1n << 128n) - 1n;
  const I128 = 1n << 127n;
  if (text.startsWith('-')) {
    const rest = text.slice(1);
    const radix = radixInt(rest, true);
    if (radix !== undefined) return radix === null || -radix > I128 ? null : String(radix);
    if (digitsButNotNumber(text) || !/^[+-]?\d+$/.test(text) || /^-[+-]/.test(text)) return null;
    const v = BigInt(text);
    return -v > I128 ? null : String(v);
  }
  const unpositive = text.startsWith('+') ? text.slice(1) : text;
  if (unpositive.startsWith('+') || unpositive.startsWith('-')) return null;
  const radix = radixInt(unpositive, false);
  if (radix !== undefined) return radix === null || radix > U128 ? null : String(radix);
  if (digitsButNotNumber(text) || !/^\d+$/.test(unpositive)) return null;
  const v = BigInt(unpositive);
  return v > U128 ? null : String(v);
}

/** serde's `Unexpected` text for an untagged plain scalar (what serde_yaml's `visit_untagged_scalar` sees). */
export function unexpectedPlain(text: string): string {
  if (text === '' || NULL_WORDS.has(text)) return 'unit value';
  if (TRUE_WORDS.has(text)) return 'boolean `true`';
  if (FALSE_WORDS.has(text)) return 'boolean `false`';
  const int = yamlInteger(text);
  if (int !== null) return `integer \`${int}\``;
  if (!digitsButNotNumber(text)) {
    if (SPECIAL_FLOAT.test(text)) {
      const f =
        text.includes('nan') || text.includes('NaN') || text.includes('NAN')
          ? 'NaN'
          : text.startsWith('-')
            ? '-inf'
            : 'inf';
      return `floating point \`${f}\``;
    }
    const body = text.startsWith('+') ? text.slice(1) : text;
    if (!/^[+-]{2}/.test(text) && FLOAT.test(body)) {
      const n = Number(body);
      if (Number.isFinite(n)) return `floating point \`${floatText(n)}\``;
    }
  }
  return `string ${rustDebug(text)}`;
}

/** Rust's `Display` for an f64 through serde's `WithDecimalPoint`: always a decimal point, never an exponent. */
function floatText(n: number): string {
  if (Number.isInteger(n)) {
    const digits = Math.abs(n) >= 1e21 ? BigInt(n).toString() : String(n);
    return `${Object.is(n, -0) ? '-' : ''}${digits}.0`;
  }
  const s = String(n);
  if (!s.includes('e')) return s;
  // Small magnitudes: JS writes 1e-7, Rust writes 0.0000001.
  const [mant, exp] = s.split('e');
  const e = Number(exp);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point = mant.replace('-', '').indexOf('.');
  const intLen = (point < 0 ? digits.length : point) + e;
  return `${neg ? '-' : ''}0.${'0'.repeat(-intLen)}${digits}`;
}

/** Rust's `{:?}` for a string: double quotes, `\"`, `\\`, `\n`, `\r`, `\t`, `\0` and `\u{…}` for other controls. */
export function rustDebug(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** serde's `OneOf`: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``. */
export function oneOf(names: readonly string[]): string {
  const q = names.map((n) => `\`${n}\``);
  if (q.length === 1) return q[0];
  if (q.length === 2) return `${q[0]} or ${q[1]}`;
  return `one of ${q.join(', ')}`;
}

type Resolved = { node: Node | null; depth: number };

/** The reader state: the document, line numbers, the problems found so far and the alias budget. */
export class SerdeYamlReader {
  readonly problems: ImportProblem[] = [];
  private nodes = 0;
  private readonly maxNodes: number;
  private readonly aliases = new Map<Node, Node | null>();

  constructor(
    private readonly doc: Document,
    private readonly counter: LineCounter,
    private readonly text: string,
  ) {
    this.maxNodes = MAX_NODES + text.length;
  }

  /** serde_yaml's mark of a node: where its event starts (1-based line and column). */
  mark(node: Node | null | undefined): { line: number; column: number } {
    let at = node?.range?.[0];
    if (at === undefined) return { line: 1, column: 1 };
    // libyaml marks an empty value right after its `:` or `-` indicator; `yaml` puts it after the spaces.
    if (isScalar(node) && node.type === 'PLAIN' && node.source === '')
      while (at > 0 && (this.text[at - 1] === ' ' || this.text[at - 1] === '\t')) at--;
    const pos = this.counter.linePos(at);
    return { line: pos.line, column: pos.col };
  }

  fail(path: SerdePath, node: Node | null | undefined, message: string): void {
    const { line, column } = this.mark(node);
    const prefix = path.serde === '.' ? '' : `${path.serde}: `;
    this.problems.push({
      message: `${prefix}${message} at line ${line} column ${column}`,
      line,
      column,
      field: path.field,
    });
  }

  /** Follows aliases (each counted against the node budget) and checks the depth. */
  resolve(node: Node | null, depth: number): Resolved {
    let current = node;
    let d = depth;
    for (;;) {
      if (++this.nodes > this.maxNodes)
        throw new ReadLimit(`the document is too large (over ${this.maxNodes} nodes after aliases)`);
      if (d > MAX_DEPTH) throw new ReadLimit(`nesting deeper than ${MAX_DEPTH} levels`);
      if (!current || !isAlias(current)) return { node: current, depth: d };
      if (!this.aliases.has(current))
        this.aliases.set(current, (current.resolve(this.doc) as Node | undefined) ?? null);
      current = this.aliases.get(current) ?? null;
      d++;
    }
  }

  /** True for a plain, untagged scalar (or a missing node): the only kind serde_yaml reads as null or empty. */
  private plainText(node: Node | null): string | null {
    if (node === null) return '';
    if (isScalar(node) && node.type === 'PLAIN' && !node.tag) return String(node.source ?? node.value ?? '');
    return null;
  }

  /** serde_yaml `invalid_type`: what the node is, in serde's words. */
  unexpected(node: Node | null): string {
    if (node === null) return 'unit value';
    if (isSeq(node)) return 'sequence';
    if (isMap(node)) return 'map';
    const plain = this.plainText(node);
    if (plain !== null) return unexpectedPlain(plain);
    return `string ${rustDebug(scalarText(node))}`;
  }

  invalidType(path: SerdePath, node: Node | null, expected: string): undefined {
    this.fail(path, node, `invalid type: ${this.unexpected(node)}, expected ${expected}`);
    return undefined;
  }

  /** `Option<T>`: a plain empty, `~` or `null` scalar is None (serde_yaml `deserialize_option`). */
  isNone(node: Node | null, depth: number): boolean {
    const { node: n } = this.resolve(node, depth);
    const plain = this.plainText(n);
    return plain !== null && (plain === '' || NULL_WORDS.has(plain));
  }

  /** `bool`: only a plain true/True/TRUE/false/False/FALSE. */
  bool(node: Node | null, path: SerdePath, depth: number): boolean | undefined {
    const { node: n } = this.resolve(node, depth);
    const plain = this.plainText(n);
    if (plain !== null && TRUE_WORDS.has(plain)) return true;
    if (plain !== null && FALSE_WORDS.has(plain)) return false;
    return this.invalidType(path, n, 'a boolean');
  }

  /** `String`: any scalar's text as written (so `1.10` stays "1.10", an empty value is ""). */
  str(node: Node | null, path: SerdePath, depth: number, expected = 'a string'): string | undefined {
    const { node: n } = this.resolve(node, depth);
    if (n === null) return '';
    if (isScalar(n)) return scalarText(n);
    return this.invalidType(path, n, expected);
  }

  /** A unit-variant enum: the scalar must be one of `variants` (serde's `unknown variant`). */
  variant<T extends string>(
    node: Node | null,
    path: SerdePath,
    depth: number,
    variants: readonly T[],
  ): T | undefined {
    const { node: n } = this.resolve(node, depth);
    if (n !== null && !isScalar(n)) {
      this.fail(
        path,
        n,
        `invalid type: ${isSeq(n) ? 'sequence' : 'map'}, expected a YAML tag starting with '!'`,
      );
      return undefined;
    }
    const text = n === null ? '' : scalarText(n);
    if ((variants as readonly string[]).includes(text)) return text as T;
    this.fail(path, n, `unknown variant \`${text}\`, expected ${oneOf(variants)}`);
    return undefined;
  }

  /** `Vec<T>` / `BTreeSet<T>`: a sequence, or an empty plain scalar read as `[]`. */
  seq<T>(
    node: Node | null,
    path: SerdePath,
    depth: number,
    item: (n: Node | null, p: SerdePath, d: number) => T | undefined,
  ): T[] | undefined {
    const { node: n, depth: d } = this.resolve(node, depth);
    if (this.plainText(n) === '') return [];
    if (!n || !isSeq(n)) return this.invalidType(path, n, 'a sequence');
    const out: T[] = [];
    let ok = true;
    n.items.forEach((child, i) => {
      const v = item(child as Node | null, indexPath(path, i), d + 1);
      if (v === undefined) ok = false;
      else out.push(v);
    });
    return ok ? out : undefined;
  }

  /** `BTreeMap<String, String>`: a mapping of scalars (a repeated key keeps the last value, like serde's map). */
  stringMap(node: Node | null, path: SerdePath, depth: number): Record<string, string> | undefined {
    const { node: n, depth: d } = this.resolve(node, depth);
    if (this.plainText(n) === '') return {};
    if (!n || !isMap(n)) return this.invalidType(path, n, 'a map');
    const out: Record<string, string> = {};
    let ok = true;
    for (const pair of n.items as Pair<Node | null, Node | null>[]) {
      const key = this.str(pair.key, path, d + 1);
      if (key === undefined) {
        ok = false;
        continue;
      }
      const value = this.str(pair.value, keyPath(path, key), d + 1);
      if (value === undefined) ok = false;
      // defineProperty keeps a key named `__proto__` as data.
      else Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return ok ? out : undefined;
  }

  /**
   * A struct: reads the known fields (unknown ones are ignored, as serde does), reports duplicate and missing
   * fields at the mapping's mark, and returns the raw field nodes for the caller to decode.
   */
  struct(
    node: Node | null,
    path: SerdePath,
    depth: number,
    name: string,
    fields: readonly string[],
    required: readonly string[],
  ): { fields: Map<string, Node | null>; unknown: string[]; depth: number; node: Node | null } | undefined {
    const { node: n, depth: d } = this.resolve(node, depth);
    const found = new Map<string, Node | null>();
    const unknown: string[] = [];
    if (this.plainText(n) !== '' && !(n && isMap(n))) return this.invalidType(path, n, `struct ${name}`);
    if (n && isMap(n)) {
      for (const pair of n.items as Pair<Node | null, Node | null>[]) {
        const key = this.str(pair.key, path, d + 1, 'field identifier');
        if (key === undefined) continue;
        if (!fields.includes(key)) {
          unknown.push(key);
          continue;
        }
        if (found.has(key)) this.fail(path, n, `duplicate field \`${key}\``);
        else found.set(key, (pair.value as Node | null) ?? null);
      }
    }
    for (const key of required) if (!found.has(key)) this.fail(path, n, `missing field \`${key}\``);
    return { fields: found, unknown, depth: d, node: n };
  }
}

/** A scalar's text exactly as written (plain source, or the decoded quoted / block value). */
function scalarText(node: Node): string {
  if (!isScalar(node)) return '';
  const v = node.value;
  return v === null || v === undefined ? '' : String(v);
}
