// Timing helpers for benchmarks: medians of repeated runs, and the rows of issue 18's table, each a ratio to a
// baseline measured in the same run. `npm run bench` collects the rows and prints the table at the end.
import { join } from 'node:path';
import { appendRow, tableLine, type TableRow } from '../../scripts/lib/bench-table.mjs';

export type { TableRow };

/** Where each bench appends its table rows (one JSON object a line); scripts/bench.mjs reads and prints them. */
export const ROWS_FILE =
  process.env.WASMLENS_BENCH_ROWS ??
  join(new URL('../..', import.meta.url).pathname, 'test-results', 'bench-rows.jsonl');

/** Median wall time in ms of `runs` calls of `fn` after `warmup` unmeasured calls. */
export async function medianMs(fn: () => unknown, runs = 7, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Prints "bench <name>: <value> <unit> (<ratio>x <baseline name>)" in one parsable line. */
export function report(
  name: string,
  value: number,
  baselineName?: string,
  baseline?: number,
  extra = '',
  unit = 'ms',
): void {
  const ratio = baseline
    ? ` (${(value / baseline).toFixed(2)}x ${baselineName} at ${baseline.toFixed(2)} ${unit})`
    : '';
  console.log(`bench ${name}: ${value.toFixed(2)} ${unit}${ratio}${extra ? ` ${extra}` : ''}`);
}

/** Prints one row of the table now and records it for the summary `npm run bench` prints at the end. */
export function row(r: TableRow): void {
  console.log(`bench row ${tableLine(r)}`);
  appendRow(ROWS_FILE, r);
}
