/** The `semver` crate's `Version::parse` (dtolnay/semver src/parse.rs): accept exactly what kwctl accepts, in its words. */

type Position =
  | 'major version number'
  | 'minor version number'
  | 'patch version number'
  | 'pre-release identifier'
  | 'build metadata';

/** Rust's `{:?}` of a char: `'v'`, `'\''`, `'\\'`, `'\n'`. */
function charDebug(ch: string): string {
  const escaped = { "'": "\\'", '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' }[ch];
  return `'${escaped ?? ch}'`;
}

class SemverError extends Error {}

function numeric(input: string, pos: Position): string {
  let len = 0;
  let value = 0n;
  while (len < input.length && input[len] >= '0' && input[len] <= '9') {
    if (value === 0n && len > 0) throw new SemverError(`invalid leading zero in ${pos}`);
    value = value * 10n + BigInt(input.charCodeAt(len) - 48);
    if (value > 0xffff_ffff_ffff_ffffn) throw new SemverError(`value of ${pos} exceeds u64::MAX`);
    len++;
  }
  if (len > 0) return input.slice(len);
  const next = Array.from(input)[0];
  throw new SemverError(
    next === undefined
      ? `unexpected end of input while parsing ${pos}`
      : `unexpected character ${charDebug(next)} while parsing ${pos}`,
  );
}

function dot(input: string, pos: Position): string {
  if (input.startsWith('.')) return input.slice(1);
  const next = Array.from(input)[0];
  throw new SemverError(
    next === undefined
      ? `unexpected end of input while parsing ${pos}`
      : `unexpected character ${charDebug(next)} after ${pos}`,
  );
}

/** `identifier`: dot-separated `[0-9A-Za-z-]+` segments; returns [identifier, rest]. */
function identifier(input: string, pos: Position): [string, string] {
  let accumulated = 0;
  let segment = 0;
  let nondigit = false;
  for (;;) {
    const c = input[accumulated + segment];
    if (c !== undefined && /[A-Za-z-]/.test(c)) {
      segment++;
      nondigit = true;
    } else if (c !== undefined && c >= '0' && c <= '9') segment++;
    else {
      if (segment === 0) {
        if (accumulated === 0 && c !== '.') return ['', input];
        throw new SemverError(`empty identifier segment in ${pos}`);
      }
      if (pos === 'pre-release identifier' && segment > 1 && !nondigit && input[accumulated] === '0')
        throw new SemverError(`invalid leading zero in ${pos}`);
      accumulated += segment;
      if (c === '.') {
        accumulated++;
        segment = 0;
        nondigit = false;
      } else return [input.slice(0, accumulated), input.slice(accumulated)];
    }
  }
}

/** The semver crate's error text for `text`, or null when it is a valid version. */
export function semverError(text: string): string | null {
  try {
    if (text === '') throw new SemverError('empty string, expected a semver version');
    let rest = dot(numeric(text, 'major version number'), 'major version number');
    rest = dot(numeric(rest, 'minor version number'), 'minor version number');
    rest = numeric(rest, 'patch version number');
    let pos: Position = 'patch version number';
    if (rest.startsWith('-')) {
      pos = 'pre-release identifier';
      const [pre, after] = identifier(rest.slice(1), pos);
      if (pre === '') throw new SemverError(`empty identifier segment in ${pos}`);
      rest = after;
    }
    if (rest.startsWith('+')) {
      pos = 'build metadata';
      const [build, after] = identifier(rest.slice(1), pos);
      if (build === '') throw new SemverError(`empty identifier segment in ${pos}`);
      rest = after;
    }
    const next = Array.from(rest)[0];
    if (next !== undefined) throw new SemverError(`unexpected character ${charDebug(next)} after ${pos}`);
    return null;
  } catch (e) {
    if (e instanceof SemverError) return e.message;
    throw e;
  }
}

/** True for a version the semver crate parses: `X.Y.Z[-pre][+build]`, no leading zeros, no `v`. */
export function isSemver(text: string): boolean {
  return semverError(text) === null;
}
