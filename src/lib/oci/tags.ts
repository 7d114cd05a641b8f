/** Tag helpers: semver-aware sorting and `Link: <…>; rel="next"` parsing (oci.md §6.1). */

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function comparePre(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1; // a release sorts after its pre-releases
  if (b === undefined) return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const na = /^\d+$/.test(pa[i]);
    const nb = /^\d+$/.test(pb[i]);
    if (na && nb && Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) - Number(pb[i]);
    if (na !== nb) return na ? -1 : 1;
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return 0;
}

/**
 * Sorts tags newest first: semver tags (with or without `v`) by version, descending, then `latest`, then the
 * other tags alphabetically. Cosign `sha256-….sig/.att/.sbom` tags go last. Returns a new array. Each tag is read
 * once before sorting (a registry may list 100,000), not once per comparison.
 */
export function sortTags(tags: readonly string[]): string[] {
  const keyed = tags.map((t) => {
    const m = SEMVER.exec(t);
    const rank = m ? 0 : t === 'latest' ? 1 : /^sha256-[0-9a-f]{64}/.test(t) ? 3 : 2;
    return { t, rank, v: m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null, pre: m?.[4] };
  });
  keyed.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.v && b.v) {
      for (let i = 0; i < 3; i++) if (a.v[i] !== b.v[i]) return b.v[i]! - a.v[i]!;
      const c = comparePre(b.pre, a.pre);
      if (c !== 0) return c;
    }
    return a.t < b.t ? -1 : a.t > b.t ? 1 : 0;
  });
  return keyed.map((k) => k.t);
}

/**
 * The `rel="next"` target of a Link header, or null. Handles several links and parameters in any order. One pass
 * over the header (RFC 8288 link-values separated by commas outside quotes): a registry's header is untrusted,
 * and a regex retried from every `<` takes quadratic time on a header of many `<`.
 */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  let at = 0;
  for (;;) {
    const open = header.indexOf('<', at);
    if (open < 0) return null;
    const close = header.indexOf('>', open + 1);
    // No `>` after this `<` means none after any later `<` either.
    if (close < 0) return null;
    let end = close + 1;
    let quoted = false;
    for (; end < header.length; end++) {
      const c = header.charCodeAt(end);
      if (c === 34 /* " */) quoted = !quoted;
      else if (c === 44 /* , */ && !quoted) break;
    }
    if (relIsNext(header.slice(close + 1, end))) return header.slice(open + 1, close);
    at = end;
  }
}

/** Whether the parameters of one link-value (`; rel="next"; title=x`) have `next` among their rel values. */
function relIsNext(params: string): boolean {
  // Parameters follow a ";": whatever stands before the first one is not a parameter.
  let from = params.indexOf(';') + 1;
  if (from === 0) return false;
  let quoted = false;
  for (let i = from; i <= params.length; i++) {
    const c = params.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    if (i < params.length && (quoted || c !== 59) /* ; */) continue;
    const param = params.slice(from, i);
    from = i + 1;
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'rel') continue;
    // The first rel parameter counts (RFC 8288 §3.3); quotes around the value are optional.
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, '');
    return value.split(/\s+/).includes('next');
  }
  return false;
}
