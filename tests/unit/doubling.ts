// "Doubling" measurements for linearity tests: the time for an input of size 2n over the time for size n, measured
// in the same run (a ratio, never a fixed time). Linear work gives about 2, n log n a little more, quadratic about 4.
import { expect } from 'vitest';

/** The ratio a linear (or n log n) path stays under; a quadratic one lands near 4 and fails. */
export const LINEAR_RATIO = 3;

function timeOf(run: () => unknown, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return performance.now() - t0;
}

/**
 * Time for `run(make(2n))` over time for `run(make(n))`. Inputs are made outside the timed part. Each size is timed
 * as the fastest of many short samples (small inputs repeat until a sample takes about 5 ms), taken in turns until
 * 40 pairs or about 2 s: on a shared machine the fastest sample is the one nothing else interrupted.
 */
export function doublingRatio<T>(make: (n: number) => T, run: (input: T) => unknown, n: number): number {
  const small = make(n);
  const large = make(2 * n);
  run(small); // warm up the JIT on both shapes
  run(large);
  let reps = 1;
  while (timeOf(() => run(small), reps) < 5 && reps < 1 << 20) reps *= 2;
  let best1 = Infinity;
  let best2 = Infinity;
  const started = performance.now();
  for (let r = 0; r < 40 && (r < 3 || performance.now() - started < 2000); r++) {
    best1 = Math.min(
      best1,
      timeOf(() => run(small), reps),
    );
    best2 = Math.min(
      best2,
      timeOf(() => run(large), reps),
    );
  }
  return best2 / best1;
}

/** Asserts that doubling the input at most roughly doubles the time (see {@link LINEAR_RATIO}). */
export function expectLinear<T>(make: (n: number) => T, run: (input: T) => unknown, n: number): void {
  // A busy machine can slow one side of one measurement, so a ratio just over the line is measured again (twice at
  // most); a quadratic path lands near 4 or above every time and fails at once.
  let ratio = doublingRatio(make, run, n);
  for (let i = 0; i < 2 && ratio >= LINEAR_RATIO && ratio < 4; i++)
    ratio = Math.min(ratio, doublingRatio(make, run, n));
  expect(ratio, `time(2n)/time(n) = ${ratio.toFixed(2)}`).toBeLessThan(LINEAR_RATIO);
}
