// Timing helpers for benchmarks: median of repeated runs, and one line per measurement with its ratio.

/** Median wall time in ms of `runs` calls of `fn` after `warmup` unmeasured calls. */
export async function medianMs(fn: () => unknown, runs = 7, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

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
