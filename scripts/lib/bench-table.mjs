// The rows of issue 18's table as `npm run bench` prints them: "2.82× `skopeo copy …` (378 ms vs 134 ms)".
// Benches append rows (one JSON object a line) to a file while they run; scripts/bench.mjs prints the table.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The table's order: rows are sorted by the first prefix their `what` starts with. */
const ORDER = [
  'push 14 MB policy',
  'pull 14 MB',
  'push 14 MB, the library',
  'open → Inspect',
  'drop →',
  'a 100 MB',
];

/**
 * The row's ratio: the median of the per-run ratios when the bench gives them (each run times both back to back,
 * so load that comes and goes on a shared machine hits both alike), else the ratio of the medians.
 */
export function ratioOf(r) {
  if (r.pairs?.length) {
    const sorted = [...r.pairs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
  return r.value / r.baseline;
}

/** The "now" cell: ratio, baseline name, and both medians. */
export function ratioCell(r) {
  const unit = r.unit ?? 'ms';
  const n = (v) => (unit === 'MB' ? v.toFixed(1) : v.toFixed(v < 100 ? 1 : 0));
  return `${ratioOf(r).toFixed(2)}× ${r.baselineName} (${n(r.value)} ${unit} vs ${n(r.baseline)} ${unit})`;
}

/** One table line: what, now, goal, and whether the goal is met (with the row's note). */
export function tableLine(r) {
  const verdict = ratioOf(r) <= r.goal ? 'meets' : 'misses';
  return `| ${r.what} | ${ratioCell(r)} | ≤ ${r.goal}× | ${verdict}${r.note ? ` (${r.note})` : ''} |`;
}

export function appendRow(file, r) {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(r) + '\n');
}

/** The recorded rows in the table's order (empty when none were recorded). */
export function readRows(file) {
  if (!existsSync(file)) return [];
  const rank = (r) => {
    const i = ORDER.findIndex((prefix) => r.what.startsWith(prefix));
    return i === -1 ? ORDER.length : i;
  };
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .sort((a, b) => rank(a) - rank(b));
}
