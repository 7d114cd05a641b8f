// How jsonLines' work grows with its input, in a file of its own: the 200,000-deep manifest of
// artifacts-json-lines.test.ts leaves a heap that, in the same process, measured growths of 3.4-4.2 per doubling
// for this linear path (2.0-2.3 in a fresh one).
import { describe, expect, it } from 'vitest';
import { jsonLines } from '../../src/lib/artifacts';
import { expectLinear } from './doubling';

describe('jsonLines', () => {
  it('stops after maxLines lines, and its work grows linearly with the depth', () => {
    const nested = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
    expect(jsonLines(nested(1000), 10)).toHaveLength(11);
    expectLinear(nested, (v) => jsonLines(v), 1000);
    const wide = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ digest: `sha256:${i}`, mediaType: 'x' }));
    expectLinear(wide, (v) => jsonLines(v), 500);
  });
});
