/** Byte-array helpers every library needs. */

/** Concatenates byte arrays into one ArrayBuffer-backed array (what WebCrypto and fetch bodies want). */
export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return concatParts(parts);
}

/** {@link concat} of a list, for lists too long to spread into arguments (a module's kept sections). */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
