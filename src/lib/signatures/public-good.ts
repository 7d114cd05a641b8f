/**
 * The Sigstore public-good trusted root, shipped as data so verification works offline. It is the
 * `trusted_root.json` target embedded in `seeds.json` of the npm package @sigstore/tuf 4.0.2
 * (published 2026-03-18), i.e. what sigstore-js trusts before its first TUF update.
 */
import json from './public-good-trusted-root.json';
import { parseTrustedRoot, type TrustedRoot } from './trusted-root';

export const PUBLIC_GOOD_TRUSTED_ROOT_INFO = {
  name: 'Sigstore public-good instance',
  source: '@sigstore/tuf 4.0.2 seeds.json (tuf-repo-cdn.sigstore.dev target trusted_root.json)',
  /** When the package carrying this copy was published. */
  date: '2026-03-18',
  sha256: '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66',
} as const;

/** The raw JSON, for display or download. */
export const PUBLIC_GOOD_TRUSTED_ROOT_JSON: unknown = json;

let cached: TrustedRoot | null = null;

/** The parsed public-good trusted root (parsed once; it is known to be valid). */
export function publicGoodTrustedRoot(): TrustedRoot {
  if (!cached) {
    const r = parseTrustedRoot(json);
    if (!r.ok) throw new Error(`the shipped trusted root is invalid: ${r.issues.join('; ')}`);
    cached = r.root;
  }
  return cached;
}
