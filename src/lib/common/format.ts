/** Number formatting shared by every view: byte sizes and offsets. */

// One formatter for every call: Chromium builds a new one for each `toLocaleString('en-US')`, about 100 µs, which
// made the number formatting of a section table cost more than parsing the module (measured 50x).
const GROUPED = new Intl.NumberFormat('en-US');

/** "1,206,289": a count or size with thousands separators. */
export function formatNumber(n: number): string {
  return GROUPED.format(n);
}

/** "1,206,289 B (1.15 MiB)" style sizes. */
export function formatBytes(n: number): string {
  const exact = `${formatNumber(n)} B`;
  if (n < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${exact} (${v.toFixed(v < 10 ? 2 : 1)} ${units[u]})`;
}

/** Offsets in decimal or as 0x-prefixed hex. */
export function formatOffset(n: number, hex: boolean): string {
  return hex ? `0x${n.toString(16)}` : formatNumber(n);
}
