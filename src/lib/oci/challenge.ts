/** A real tokenizer for `WWW-Authenticate` (RFC 7235 §4.1, RFC 6750 §3): several challenges, quoted strings, any order. */

/** One challenge: scheme (lowercased) and parameters (names lowercased), or a token68. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/;

/**
 * Parses a header value into challenges. `Headers.get()` joins repeated headers with ", ", so a token not
 * followed by "=" starts a new challenge. Malformed input yields what could be read; it never throws.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let rest = header;
  let current: Challenge | null = null;
  const trim = () => (rest = rest.replace(/^[ \t,]+/, ''));
  while ((trim(), rest.length)) {
    const name = TOKEN.exec(rest)?.[0];
    if (!name) {
      rest = rest.slice(1); // a stray character: skip it
      continue;
    }
    const after = rest.slice(name.length).replace(/^[ \t]+/, '');
    if (current && after.startsWith('=')) {
      // name = token / quoted-string
      rest = after.slice(1).replace(/^[ \t]+/, '');
      let value = '';
      if (rest.startsWith('"')) {
        let i = 1;
        while (i < rest.length && rest[i] !== '"') {
          if (rest[i] === '\\' && i + 1 < rest.length) i++;
          value += rest[i++];
        }
        rest = rest.slice(i + 1);
      } else {
        value = TOKEN.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      current.params[name.toLowerCase()] = value;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    rest = rest.slice(name.length).replace(/^[ \t]+/, '');
    const t68 = TOKEN68.exec(rest)?.[0];
    // "Basic abc=" is a token68; "Bearer realm=x" is a parameter (a token68 never has text after its '=').
    if (t68 && !/^[^=]+=[^=]/.test(rest.slice(0, t68.length + 1))) {
      current.token68 = t68;
      rest = rest.slice(t68.length);
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
