// "Doubling" measurements for linearity tests: how much the time grows each time the input doubles, measured in
// the same run (a ratio, never a fixed time). Linear work gives about 2, n log n a little more, quadratic about 4.
// The growth is measured over two doublings (n and 4n) and reported per doubling, which keeps a 2x disturbance on
// a shared machine (another process, a cache thrashed by it) from failing a linear path. Choose n so that what one
// call keeps alive at 4n stays within a few MB: past V8's young generation (16 MB semi-spaces in Node 20) even a
// loop that only pushes small objects grows 30x for 2x, and the ratio then reports the garbage collector.
import { expect } from 'vitest';

/** The growth per doubling a linear (or n log n) path stays under; a quadratic one lands near 4 and fails. */
export const LINEAR_RATIO = 3;

function timeOf(run: () => unknown, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return performance.now() - t0;
}

/**
 * The time growth per doubling of the input, from `run(make(n))` and `run(make(4n))`: the square root of their
 * ratio. Inputs are made outside the timed part. Each size is timed as the fastest of many short samples (the small
 * input repeats until a sample takes about 5 ms), taken in turns until 40 pairs or about 2 s: on a shared machine
 * the fastest sample is the one nothing else interrupted.
 */
export function doublingRatio<T>(make: (n: number) => T, run: (input: T) => unknown, n: number): number {
  const small = make(n);
  const large = make(4 * n);
  run(small); // warm up the JIT on both shapes
  run(large);
  let reps = 1;
  while (timeOf(() => run(small), reps) < 5 && reps < 1 << 20) reps *= 2;
  let best1 = Infinity;
  let best4 = Infinity;
  const started = performance.now();
  for (let r = 0; r < 40 && (r < 3 || performance.now() - started < 2000); r++) {
    best1 = Math.min(
      best1,
      timeOf(() => run(small), reps),
    );
    best4 = Math.min(
      best4,
      timeOf(() => run(large), reps),
    );
  }
  return Math.sqrt(best4 / best1);
}

/** Asserts that doubling the input at most roughly doubles the time (see {@link LINEAR_RATIO}). */
export function expectLinear<T>(make: (n: number) => T, run: (input: T) => unknown, n: number): void {
  // A ratio just over the line is measured again (twice at most); a quadratic path lands near 4 and fails at once.
  let ratio = doublingRatio(make, run, n);
  for (let i = 0; i < 2 && ratio >= LINEAR_RATIO && ratio < 3.6; i++)
    ratio = Math.min(ratio, doublingRatio(make, run, n));
  expect(ratio, `time growth per doubling = ${ratio.toFixed(2)}`).toBeLessThan(LINEAR_RATIO);
}
