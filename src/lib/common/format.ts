/** Number formatting shared by every view: byte sizes and offsets. */

/** "1,206,289 B (1.15 MiB)" style sizes. */
export function formatBytes(n: number): string {
  const exact = `${n.toLocaleString('en-US')} B`;
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
  return hex ? `0x${n.toString(16)}` : n.toLocaleString('en-US');
}
