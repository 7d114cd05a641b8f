/**
 * A linear pre-check of how deep YAML text nests, before any YAML parser sees it. The `yaml` package composes
 * nodes recursively: a few thousand "[" exhaust the stack, and in V8 a regular expression first compiled that deep
 * can abort the whole process ("RegExpCompiler Allocation failed"), which no try/catch stops.
 */

/** Deeper than this is refused: Kubernetes YAML nests a few dozen levels. */
export const MAX_YAML_DEPTH = 256;

/**
 * An upper bound of the nesting of `text`: open flow collections (`[`, `{`, outside quoted strings and comments)
 * plus, per line, its indentation and its compact block indicators (`- `, `? `, `: `) outside flow collections. Null when it stays within
 * {@link MAX_YAML_DEPTH}, else the 1-based line where it passes.
 */
export function yamlTooDeepAt(text: string): number | null {
  let flow = 0;
  let line = 1;
  let block = 0; // indentation and indicators seen on this line
  let lineStart = true;
  let quote = 0; // the quote character of an open quoted scalar, or 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      block = 0;
      lineStart = true;
      continue;
    }
    if (quote) {
      if (c === 92 /* \ */ && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (lineStart && c === 32) block++;
    else lineStart = false;
    const next = text.charCodeAt(i + 1);
    const spaced = next === 32 || next === 10 || Number.isNaN(next);
    if (c === 91 /* [ */ || c === 123 /* { */) flow++;
    else if ((c === 93 /* ] */ || c === 125) /* } */ && flow > 0) flow--;
    // Block indicators nest only outside flow collections; inside `[…]`/`{…}` the brackets say how deep it is.
    else if (flow === 0 && (c === 45 /* - */ || c === 63 /* ? */ || c === 58) /* : */ && spaced) block++;
    else if (c === 34 /* " */) quote = 34;
    else if (c === 39 /* ' */ && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) quote = 39;
    else if (c === 35 /* # */ && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
      continue;
    }
    if (flow + block > MAX_YAML_DEPTH) return line;
  }
  return null;
}
