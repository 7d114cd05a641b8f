// The fuzz harness (issue 19): mutated inputs through every parser of untrusted data. `npm test` runs a bounded
// sample (FUZZ_RUNS per parser, default 50: a few seconds); `npm run fuzz` runs 10,000 per parser, 100,000 in all.
// The seed of every input is fixed, so a failure prints an input that can be made again.
import { describe, expect, it } from 'vitest';
import { mutate, prng } from './mutate';
import { TARGETS } from './targets';

const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
/** A call taking this long is a hang, not a slow parse: no input here is over 1 MiB. */
const HANG_MS = 5000;

describe('fuzzed parsers', () => {
  for (const [t, target] of TARGETS.entries()) {
    it(
      `${target.name}: ${RUNS} mutated inputs end in a result or the parser's own error`,
      { timeout: 30 * 60_000 },
      async () => {
        const random = prng(0x5eed + t);
        const bugs: string[] = [];
        let refused = 0;
        let slowest = 0;
        for (let i = 0; i < RUNS && bugs.length < 5; i++) {
          const seed = target.seeds[i % target.seeds.length]!;
          const other = target.seeds[(i * 7 + 3) % target.seeds.length]!;
          const input = mutate(seed, other, random);
          const started = performance.now();
          try {
            await target.run(input);
          } catch (e) {
            if (target.expected.some((type) => e instanceof type)) refused++;
            else
              bugs.push(
                `input #${i} (${input.length} bytes): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
              );
          }
          slowest = Math.max(slowest, performance.now() - started);
        }
        console.log(
          `fuzz ${target.name}: ${RUNS} inputs, ${refused} refused cleanly, slowest ${slowest.toFixed(0)} ms`,
        );
        expect(bugs).toEqual([]);
        expect(slowest, 'a call that hangs').toBeLessThan(HANG_MS);
      },
    );
  }
});
