/**
 * `serde_yaml::to_string` (0.9, libyaml's emitter with unlimited width): the exact text kwctl writes for its
 * scaffolds, so a Wasmlens artifacthub-pkg.yml is byte-identical to kwctl's for the same input.
 */
import { digitsButNotNumber, unexpectedPlain } from './serde-yaml-read';

/** A value to write: objects keep their insertion order (serde writes struct fields in declaration order). */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const INDENT = 2;

/**
 * serde_yaml `serialize_str`'s style choice: a string that would read back as null, a bool or a number (the same
 * `visit_untagged_scalar` rules the reader uses), or digits with a leading zero, is single-quoted.
 */
function readsAsNonString(text: string): boolean {
  return digitsButNotNumber(text) || !unexpectedPlain(text).startsWith('string ');
}

/** libyaml `IS_PRINTABLE` on one code point (tab, CR, NEL, BOM, U+FFFE/F and everything above U+FFFF are not). */
function printable(c: number): boolean {
  if (c === 0x0a) return true;
  if (c >= 0x20 && c <= 0x7e) return true;
  if (c >= 0xa0 && c <= 0xd7ff) return true;
  return c >= 0xe000 && c <= 0xfffd && c !== 0xfeff;
}

const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlankOrEnd = (c: number | undefined) =>
  c === undefined || c === 0x20 || c === 0x09 || isBreak(c) || c === 0;

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** libyaml `yaml_emitter_analyze_scalar`. */
function analyze(text: string): Analysis {
  if (text === '')
    return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  const cps = Array.from(text, (ch) => ch.codePointAt(0) as number);
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankOrEnd(cps[1]);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!printable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(c);
    if (i + 1 < cps.length) followedByWhitespace = isBlankOrEnd(cps[i + 2]);
  }
  const a: Analysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** libyaml `yaml_emitter_select_scalar_style` for a block-context scalar (`key` is a simple key). */
function selectStyle(
  requested: 'any' | 'plain' | 'single' | 'literal',
  a: Analysis,
  key: boolean,
  length: number,
): Style {
  let style: Style = requested === 'any' ? 'plain' : requested;
  if (key && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlain) style = 'single';
    if (length === 0 && key) style = 'single';
  }
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || key)) style = 'double';
  return style;
}

const ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

/** libyaml `yaml_emitter_write_double_quoted_scalar` with unlimited width (no folding). */
function doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (!printable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
      const short = ESCAPES[c];
      if (short !== undefined) out += `\\${short}`;
      else if (c <= 0xff) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
      else if (c <= 0xffff) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
      else out += `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** libyaml `yaml_emitter_write_single_quoted_scalar`: quotes doubled; a line break continues at `indent`. */
function singleQuoted(text: string, indent: number): string {
  let out = "'";
  let breaks = false;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (isBreak(c)) {
      if (!breaks && c === 0x0a) out += '\n';
      out += ch;
      breaks = true;
    } else {
      if (breaks) out += ' '.repeat(indent);
      out += ch === "'" ? "''" : ch;
      breaks = false;
    }
  }
  if (breaks) out += ' '.repeat(indent);
  return `${out}'`;
}

/**
 * libyaml's `open_ended` flag: every block scalar sets it (2 when keep-chomped, 0 otherwise), and a stream that ends
 * with it at 2 gets a closing `...`. Reset by {@link serdeYaml} for each document.
 */
let openEnded = false;

/** libyaml `yaml_emitter_write_literal_scalar` with its block hints (indentation and chomping indicators). */
function literal(text: string, indent: number): string {
  const first = text.codePointAt(0) as number;
  let head = '|';
  if (first === 0x20 || isBreak(first)) head += String(INDENT);
  const cps = Array.from(text, (ch) => ch.codePointAt(0) as number);
  const last = cps[cps.length - 1];
  openEnded = false;
  if (!isBreak(last)) head += '-';
  else if (cps.length === 1 || isBreak(cps[cps.length - 2])) {
    head += '+';
    openEnded = true;
  }
  let out = `${head}\n`;
  let breaks = true;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (isBreak(c)) {
      out += c === 0x0a || c === 0x0d ? '\n' : ch;
      breaks = true;
    } else {
      if (breaks) out += ' '.repeat(indent);
      out += ch;
      breaks = false;
    }
  }
  return out;
}

/** A string scalar as serde_yaml writes it; `indent` is where its continuation lines start. */
function stringScalar(text: string, indent: number, key: boolean): string {
  const requested = text.includes('\n') ? 'literal' : readsAsNonString(text) ? 'single' : 'any';
  const style = selectStyle(requested, analyze(text), key, text.length);
  if (style === 'plain') return text;
  if (style === 'single') return singleQuoted(text, indent);
  if (style === 'double') return doubleQuoted(text);
  return literal(text, indent);
}

function scalar(value: string | number | boolean | null, indent: number, key: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  return stringScalar(value, indent, key);
}

const isCollection = (v: YamlValue): v is YamlValue[] | { [key: string]: YamlValue } =>
  typeof v === 'object' && v !== null;
const isEmpty = (v: YamlValue[] | { [key: string]: YamlValue }) =>
  Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;

/** A scalar, or an empty collection in flow style (`[]`, `{}`), after `key: ` or `- `. */
function inline(value: YamlValue, indent: number): string | null {
  if (!isCollection(value)) return scalar(value, indent + INDENT, false);
  if (isEmpty(value)) return Array.isArray(value) ? '[]' : '{}';
  return null;
}

/** Block lines of a collection whose first entry starts at `column` = `indent` (already positioned). */
function block(value: YamlValue[] | { [key: string]: YamlValue }, indent: number): string {
  const pad = ' '.repeat(indent);
  let out = '';
  let first = true;
  const lead = () => {
    const s = first ? '' : pad;
    first = false;
    return s;
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = inline(item, indent);
      if (text !== null) out += `${lead()}- ${text}${text.endsWith('\n') ? '' : '\n'}`;
      else out += `${lead()}- ${block(item as YamlValue[] | { [key: string]: YamlValue }, indent + INDENT)}`;
    }
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const text = inline(v, indent);
    // libyaml `yaml_emitter_check_simple_key`: a multi-line or long key is written as a complex key (`? k` / `: v`).
    const a = analyze(k);
    if (a.multiline || new TextEncoder().encode(k).length > 128) {
      const complex = stringScalar(k, indent + INDENT, false);
      out += `${lead()}? ${complex}${complex.endsWith('\n') ? '' : '\n'}${pad}:`;
      if (text !== null) out += ` ${text}${text.endsWith('\n') ? '' : '\n'}`;
      else if (Array.isArray(v)) out += `\n${pad}${block(v, indent)}`;
      else out += ` ${block(v as { [key: string]: YamlValue }, indent + INDENT)}`;
      continue;
    }
    const key = stringScalar(k, indent + INDENT, true);
    if (text !== null) out += `${lead()}${key}: ${text}${text.endsWith('\n') ? '' : '\n'}`;
    else if (Array.isArray(v)) out += `${lead()}${key}:\n${pad}${block(v, indent)}`;
    else
      out += `${lead()}${key}:\n${pad}${' '.repeat(INDENT)}${block(v as { [key: string]: YamlValue }, indent + INDENT)}`;
  }
  return out;
}

/** The text `serde_yaml::to_string` gives for this value (one document, no `---`, ending in a newline). */
export function serdeYaml(value: YamlValue): string {
  openEnded = false;
  // A root scalar is indented like a flow node (libyaml `yaml_emitter_increase_indent(emitter, 1, 0)`).
  const text = inline(value, 0);
  const out =
    text !== null
      ? `${text}${text.endsWith('\n') ? '' : '\n'}`
      : block(value as YamlValue[] | { [key: string]: YamlValue }, 0);
  return openEnded ? `${out}...\n` : out;
}
