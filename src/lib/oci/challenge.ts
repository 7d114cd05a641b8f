/** A real tokenizer for `WWW-Authenticate` (RFC 7235 §4.1, RFC 6750 §3): several challenges, quoted strings, any order. */

/** One challenge: scheme (lowercased) and parameters (names lowercased), or a token68. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

// Sticky regexes read at a cursor over the whole header: slicing the rest of a long hostile header at every step
// (and matching at its start) made the parser's time grow faster than the header.
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/y;
const SPACE = /[ \t]*/y;
const SEPARATORS = /[ \t,]*/y;
/** Real headers carry one or two challenges of a few parameters; past these a header is hostile, and reading stops. */
const MAX_CHALLENGES = 32;
const MAX_PARAMS = 32;

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

/**
 * Parses a header value into challenges. `Headers.get()` joins repeated headers with ", ", so a token not
 * followed by "=" starts a new challenge. Malformed input yields what could be read; it never throws. One pass,
 * and at most 32 challenges of 32 parameters each.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let current: Challenge | null = null;
  let at = 0;
  const skip = (re: RegExp) => (at += matchAt(re, header, at)?.length ?? 0);
  while ((skip(SEPARATORS), at < header.length)) {
    const name = matchAt(TOKEN, header, at);
    if (!name) {
      at++; // a stray character: skip it
      continue;
    }
    at += name.length;
    const afterName = at;
    skip(SPACE);
    if (current && header[at] === '=') {
      // name = token / quoted-string
      at++;
      skip(SPACE);
      let value: string;
      if (header[at] === '"') {
        const parts: string[] = [];
        let from = ++at;
        while (at < header.length && header[at] !== '"') {
          if (header[at] === '\\' && at + 1 < header.length) {
            parts.push(header.slice(from, at));
            from = ++at;
          }
          at++;
        }
        parts.push(header.slice(from, at));
        value = parts.join('');
        at++;
      } else {
        value = matchAt(TOKEN, header, at) ?? '';
        at += value.length;
      }
      if (Object.keys(current.params).length >= MAX_PARAMS) break;
      current.params[name.toLowerCase()] = value;
      continue;
    }
    at = afterName;
    if (out.length >= MAX_CHALLENGES) break;
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    skip(SPACE);
    const t68 = matchAt(TOKEN68, header, at);
    // "Basic abc=" is a token68; "Bearer realm=x" is a parameter (a token68 never has text after its '=').
    if (t68 && !/^[^=]+=[^=]/.test(header.slice(at, at + t68.length + 1))) {
      current.token68 = t68;
      at += t68.length;
    }
  }
  return out;
}

/** The challenge to answer: Bearer preferred over Basic (oci.md §7.1); null when neither is offered. */
export function pickChallenge(challenges: Challenge[]): Challenge | null {
  return (
    challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? null
  );
}
