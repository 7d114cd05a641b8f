// Compact texts for the Browse tables: sizes, dates and digests short enough for a column, exact in a tooltip.

/** `1.15 MiB`, `532 B`: one unit, for a table cell (the exact count goes in the title). */
export function shortBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** `sha256:0123456789ab`: the algorithm and the first 12 hex digits, as registry UIs show digests. */
export function shortDigest(digest: string): string {
  return digest.replace(/^(sha\d+:[0-9a-f]{12})[0-9a-f]+$/, '$1');
}

/** `2024-05-01 10:00 UTC` from a time in milliseconds. */
export function shortDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `+1.2 KiB` / `−300 B` / `0`, for size changes. */
export function signedBytes(n: number): string {
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '−'}${shortBytes(Math.abs(n))}`;
}
